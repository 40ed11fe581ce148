// Docker HEALTHCHECK: healthy while the app answers GET /health/live. The gateway serves it on
// its HTTP PORT; a TCP app serves it on HEALTH_PORT (libs/service-defaults health-http-server).
const port = process.env.APP === 'gateway' ? (process.env.PORT ?? '3000') : process.env.HEALTH_PORT;

fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(4_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  (error) => {
    console.error(`health check on port ${port} failed: ${error.message}`);
    process.exit(1);
  },
);
