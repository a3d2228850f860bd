import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import { StoService } from '../core/sto/sto-service.ts';
import { createStoStore } from '../store/sto/sto-store.ts';
import type { Base } from './base.ts';

/** Send-time optimisation: the model fit, the planner campaigns schedule with, the evaluation. */
export function wireSto(b: Base, d: { profiles: Pick<ProfileQueriesPort, 'resolve'> }): StoService {
  return new StoService({
    store: createStoStore(b.db), defaultZone: b.config.defaultTimezone, now: b.now, newId: b.newId,
    resolveProfile: (ref) => d.profiles.resolve({ id: ref }),
  });
}
