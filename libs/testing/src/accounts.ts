import { randomUUID } from 'node:crypto';
import type { TestSystem } from './test-system';

/** A shipping address any test order can be placed with (`POST /orders` requires one). */
export const TEST_ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4LE',
  country: 'GB',
};

/** Pass as `env: { auth: ADMIN_ENV }` so the system starts with this admin account. */
export const TEST_ADMIN = { email: 'admin@shop.test', password: 'admin-password-1' };
export const ADMIN_ENV = { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password };

export async function accessToken(
  system: TestSystem,
  credentials: { email: string; password: string },
): Promise<string> {
  const response = await system.http.post('/api/v1/auth/login', credentials);
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return response.body.accessToken;
}

/** Registers a fresh customer and returns its id and access token. */
export async function newCustomer(system: TestSystem): Promise<{ id: string; token: string }> {
  const credentials = { email: `customer-${randomUUID()}@shop.test`, password: 'customer-password-1' };
  const registered = await system.http.post('/api/v1/auth/register', { ...credentials, name: 'Customer' });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  return { id: registered.body.id, token: await accessToken(system, credentials) };
}
