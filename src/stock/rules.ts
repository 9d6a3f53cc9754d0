import type { LocationKind, TemperatureClass } from '../db/schema/index.ts';
import { isVirtualKind } from '../db/schema/index.ts';

/**
 * Rule 6: the temperature classes a zone of a given class accepts.
 * A colder zone may hold frozen goods (deep-frozen rooms also keep −18 °C goods);
 * everything else must match exactly.
 */
const accepted: Record<TemperatureClass, readonly TemperatureClass[]> = {
  ambient: ['ambient'],
  chilled: ['chilled'],
  frozen: ['frozen'],
  deep_frozen: ['deep_frozen', 'frozen'],
};

export function zoneAccepts(zoneClass: TemperatureClass, productClass: TemperatureClass): boolean {
  return accepted[zoneClass].includes(productClass);
}

/** The zone classes that may hold a product of this class. */
export function zoneClassesFor(productClass: TemperatureClass): TemperatureClass[] {
  return (Object.keys(accepted) as TemperatureClass[]).filter((zone) => accepted[zone].includes(productClass));
}

export { isVirtualKind };
export type { LocationKind };
