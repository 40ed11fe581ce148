/** Health and docs stay at fixed paths for probes and people; the API is versioned. */
export const API_PREFIX = 'api/v1';
