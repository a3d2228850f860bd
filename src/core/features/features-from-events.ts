import type { FeatureRow } from './catalog.ts';
import { emptyFeatureRow } from './empty-row.ts';
import type { FeatureEvent } from './feature-event.ts';
import { foldEvents } from './fold-events.ts';
import { windowedValues } from './windowed-values.ts';

/** A profile's whole row as of `asOf`, from all of its events. */
export function featuresFromEvents(profileId: string, events: readonly FeatureEvent[], asOf: number): FeatureRow {
  return { ...foldEvents(emptyFeatureRow(profileId, asOf), events, asOf), ...windowedValues(events, asOf) };
}
