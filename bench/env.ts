/**
 * Must be imported first: the harness reads TEST_DATABASE_URL when it loads. The benchmark takes
 * its servers from BENCH_DATABASE_URL and BENCH_REDIS_URL, else the test servers' variables.
 */
process.env.TEST_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
