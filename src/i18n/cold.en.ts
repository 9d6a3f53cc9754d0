/** English strings of cold storage: zones and slots, readings, excursions, expiry (the reference: the other catalogs have exactly these keys). */
export const coldEn = {
  'cold.error.badCelsius': 'Enter the temperature in °C between −80 and 60, for example -18.5.',
  'cold.error.badTime': 'Give the time of the reading with its offset, for example 2026-11-28T14:30:00+03:00.',
  'cold.error.futureTime': 'This reading is in the future: check the sensor’s clock.',
  'cold.error.zoneOrLocation': 'Name the zone or the slot that was measured.',
  'cold.error.noReadings': 'Send at least one reading.',
  'cold.error.tooManyReadings': 'At most {max} readings per request.',
  'cold.error.tokenWarehouse': 'This sensor’s token belongs to another warehouse than {warehouse}.',
  'cold.error.unknownLocation': 'No slot “{code}” in {warehouse}.',
  'cold.error.unknownZone': 'No zone “{code}” in {warehouse}.',
  'cold.error.locationNotInZone': '{location} is not in zone {zone}.',
  'cold.error.deviceOnlyReadings': 'A sensor token may only send temperature readings.',
} as const;
