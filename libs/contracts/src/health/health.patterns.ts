/** Every TCP app answers this with its own readiness (database reachable). */
export const HEALTH_CHECK = 'health.check';

export interface ServiceHealth {
  status: 'up' | 'down';
  database: 'up' | 'down';
}
