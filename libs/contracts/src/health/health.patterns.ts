/** Every TCP app answers this with its own readiness (database reachable). */
export const HEALTH_CHECK = 'health.check';

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
