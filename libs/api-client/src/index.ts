import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './openapi.schema';

export type { components, operations, paths } from './openapi.schema';

/** A typed client of the gateway's HTTP API: paths, bodies and answers come from openapi.json. */
export type ShopClient = Client<paths>;

/** Schemas of the API by name: `Schema<'ProductDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** @param baseUrl the gateway's origin, e.g. `http://localhost:3000` (paths carry `/api/v1`). */
export function createShopClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): ShopClient {
  return createClient<paths>({ ...options, baseUrl });
}

/** The header that signs a call in: `client.GET('/api/v1/auth/me', { headers: bearer(token) })`. */
export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
