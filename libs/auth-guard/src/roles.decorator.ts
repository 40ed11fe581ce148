import { SetMetadata } from '@nestjs/common';
import type { Role } from '@shop/contracts';

export const ROLES_KEY = 'auth:roles';

/** Restricts a route to callers holding one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
