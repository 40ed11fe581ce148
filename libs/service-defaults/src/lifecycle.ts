/**
 * Where this process is in its life. On SIGTERM it starts draining: readiness turns false, so
 * callers (the gateway's probes, Kubernetes) stop sending work, while work already sent finishes.
 */
export const lifecycle = {
  draining: false,
  /** Messages or requests being handled right now. */
  inFlight: 0,
  /** When the last message other than a health check arrived (epoch ms; 0: none yet). */
  lastMessageAt: 0,
};
