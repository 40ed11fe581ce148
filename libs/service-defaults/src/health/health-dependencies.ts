/**
 * Something an app uses but serves without (a cache that fails open): reported by the shared
 * HealthController as `dependencies[name]`, never deciding the app's readiness.
 */
export interface HealthDependency {
  name: string;
  /** Answered at once from state the dependency already keeps: a probe must not wait on it. */
  status(): 'up' | 'down';
}

/**
 * Provide a `HealthDependency[]` under this token from any module of an app (it need not be
 * exported, and several modules may each provide one): the health check reports them all.
 */
export const HEALTH_DEPENDENCIES = Symbol('HEALTH_DEPENDENCIES');
