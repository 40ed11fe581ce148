import { returns } from '../contract';

/** For operations that take nothing: any field sent is refused. */
export class EmptyRequest {}

export interface ServiceHealth {
  status: 'up' | 'down';
  database: 'up' | 'down';
  /**
   * What the app can serve without (the catalog's Redis cache, which fails open), by name; only
   * when it registered any. Informational: `status` ignores it, since taking every replica out of
   * rotation over a cache would turn slower reads into an outage.
   */
  dependencies?: Record<string, 'up' | 'down'>;
}

/** Every TCP app answers this with its own readiness (database reachable); each contract declares it. */
export const healthCheck = {
  pattern: 'health.check',
  request: EmptyRequest,
  response: returns<ServiceHealth>(),
  retrySafe: true,
};
