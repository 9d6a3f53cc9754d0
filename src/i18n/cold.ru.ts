import type { coldEn } from './cold.en.ts';

export const coldRu: Record<keyof typeof coldEn, string> = {
  'cold.error.badCelsius': 'Введите температуру в °C от −80 до 60, например -18.5.',
  'cold.error.badTime': 'Укажите время замера со смещением, например 2026-11-28T14:30:00+03:00.',
  'cold.error.futureTime': 'Замер из будущего: проверьте часы датчика.',
  'cold.error.zoneOrLocation': 'Укажите зону или ячейку, где сделан замер.',
  'cold.error.noReadings': 'Отправьте хотя бы один замер.',
  'cold.error.tooManyReadings': 'Не больше {max} замеров в одном запросе.',
  'cold.error.tokenWarehouse': 'Токен этого датчика принадлежит другому складу, не {warehouse}.',
  'cold.error.unknownLocation': 'На складе {warehouse} нет ячейки «{code}».',
  'cold.error.unknownZone': 'На складе {warehouse} нет зоны «{code}».',
  'cold.error.locationNotInZone': '{location} не входит в зону {zone}.',
  'cold.error.deviceOnlyReadings': 'Токен датчика может только передавать замеры температуры.',
};
