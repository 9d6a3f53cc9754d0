import type { labelsEn } from './labels.en.ts';

export const labelsRu: Record<keyof typeof labelsEn, string> = {
  'labels.locations.title': 'Этикетки ячеек',
  'labels.locations.intro': 'Этикетки на стеллажи со штрихкодом Code 128 кода ячейки — для листов A4 с наклейками или для принтера этикеток 58 мм.',
  'labels.chooseWarehouse': 'Выберите склад, чтобы напечатать этикетки его ячеек.',
  'labels.from': 'Код от',
  'labels.to': 'Код до',
  'labels.rangeHint': 'Коды по алфавиту; «до» включает и коды, которые с него начинаются.',
  'labels.zoneLabels': 'Зоны (по этикетке на зону)',
  'labels.zoneLabel': 'Зона',
  'labels.format': 'Формат',
  'labels.format.a4': 'Лист A4 · 3 × 8 (70 × 37 мм)',
  'labels.format.58mm': 'Принтер этикеток · 58 × 40 мм',
  'labels.show': 'Показать этикетки',
  'labels.print': 'Печать',
  'labels.printHint': 'В окне печати выберите масштаб 100 % (не «по размеру страницы»), без полей и колонтитулов.',
  'labels.summary': 'Этикеток: {count} · страниц: {pages}',
  'labels.truncated': 'Показаны только первые {shown} из {total} ячеек. Сузьте зону, тип или диапазон кодов, чтобы напечатать остальные.',
  'labels.none': 'Нет активных ячеек, подходящих под этот фильтр.',
  'labels.invalid': 'Недопустимое значение.',
  'labels.rangeReversed': 'Код «от» идёт после кода «до».',
};
