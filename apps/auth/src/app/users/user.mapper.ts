import type { UserDto, UserEventPayload } from '@shop/contracts';
import type { users } from '../db/schema';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export type UserRow = typeof users.$inferSelect;

/** The public face of a user: never the password hash. */
export function toUserDto(user: UserRow): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    phone: user.phone,
    notifications: { email: user.notifyEmail, sms: user.notifySms },
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** What other apps learn of a user through its events: contact details, never credentials. */
export function toUserEventPayload(user: UserRow): UserEventPayload {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone,
    notifications: { email: user.notifyEmail, sms: user.notifySms },
  };
}
