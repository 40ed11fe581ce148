import { TestSystem } from '@shop/testing';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'throttling',
    env: { gateway: { AUTH_THROTTLE_LIMIT: '3', THROTTLE_LIMIT: '8' } },
  });
});
afterAll(() => system?.stop());

describe('rate limits', () => {
  it('limits login more strictly, with 429 RATE_LIMITED and Retry-After', async () => {
    const attempt = () => system.http.post('/api/v1/auth/login', { email: 'a@example.com', password: 'whatever1' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);

    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits every other route by the default limit', async () => {
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await system.http.get('/api/v1/auth/me')).status);
    expect(statuses.slice(0, 8).every((status) => status === 401)).toBe(true);
    expect(statuses[8]).toBe(429);
  });

  it('never limits health probes', async () => {
    for (let i = 0; i < 12; i++) expect((await system.http.get('/health/live')).status).toBe(200);
  });
});
