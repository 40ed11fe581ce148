import type { Role } from '@shop/contracts';

/** What the gateway knows about the caller once the access token checks out. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
}
