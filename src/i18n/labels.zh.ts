import type { labelsEn } from './labels.en.ts';

export const labelsZh: Record<keyof typeof labelsEn, string> = {
  'labels.locations.title': '库位标签',
  'labels.locations.intro': '印有库位编码 Code 128 条码的货架标签，适用于 A4 标签纸或 58 毫米标签打印机。',
  'labels.chooseWarehouse': '请选择仓库，以打印其库位标签。',
  'labels.from': '起始编码',
  'labels.to': '结束编码',
  'labels.rangeHint': '编码按字母顺序排列；“结束编码”也包括以它开头的编码。',
  'labels.zoneLabels': '温区（每个温区一张标签）',
  'labels.zoneLabel': '温区',
  'labels.format': '格式',
  'labels.format.a4': 'A4 · 3 × 8（70 × 37 毫米）',
  'labels.format.58mm': '标签打印机 · 58 × 40 毫米',
  'labels.show': '显示标签',
  'labels.print': '打印',
  'labels.printHint': '在打印对话框中选择 100% 缩放（不要选“适合页面”），无页边距，无页眉页脚。',
  'labels.summary': '标签：{count} · 页数：{pages}',
  'labels.truncated': '共 {total} 个库位，仅显示前 {shown} 个。请缩小库区、类型或编码范围以打印其余标签。',
  'labels.none': '没有符合此筛选条件的启用库位。',
  'labels.invalid': '无效的值。',
  'labels.rangeReversed': '“起始编码”排在“结束编码”之后。',
};
