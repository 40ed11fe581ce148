export const UserStatus = {
  Active: 'active',
  /** Cannot log in or refresh; its sessions were revoked when it was disabled. */
  Disabled: 'disabled',
} as const;

export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];

export const USER_STATUSES: readonly UserStatus[] = Object.values(UserStatus);
