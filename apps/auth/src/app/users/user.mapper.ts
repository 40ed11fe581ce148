import type { UserDto } from '@shop/contracts';
import type { users } from '../db/schema';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The public face of a user: never the password hash. */
export function toUserDto(user: typeof users.$inferSelect): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
