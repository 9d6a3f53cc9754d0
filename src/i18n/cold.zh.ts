import type { coldEn } from './cold.en.ts';

export const coldZh: Record<keyof typeof coldEn, string> = {
  'cold.error.badCelsius': '请输入 −80 至 60 之间的温度（°C），例如 -18.5。',
  'cold.error.badTime': '请填写带时区偏移的读数时间，例如 2026-11-28T14:30:00+03:00。',
  'cold.error.futureTime': '该读数时间在未来：请检查传感器时钟。',
  'cold.error.zoneOrLocation': '请指明测量的温区或库位。',
  'cold.error.noReadings': '请至少发送一条读数。',
  'cold.error.tooManyReadings': '每个请求最多 {max} 条读数。',
  'cold.error.tokenWarehouse': '此传感器令牌属于其他仓库，而非 {warehouse}。',
  'cold.error.unknownLocation': '{warehouse} 没有库位“{code}”。',
  'cold.error.unknownZone': '{warehouse} 没有温区“{code}”。',
  'cold.error.locationNotInZone': '{location} 不在温区 {zone} 内。',
  'cold.error.deviceOnlyReadings': '传感器令牌只能发送温度读数。',
};
