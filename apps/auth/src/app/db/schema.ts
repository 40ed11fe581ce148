import { sql } from 'drizzle-orm';
import { boolean, check, integer, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { outbox } from '@shop/service-defaults/outbox-schema';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored trimmed and lower-cased, so uniqueness ignores case. */
    email: text('email').notNull().unique('users_email_key'),
    name: text('name').notNull(),
    role: text('role', { enum: ['customer', 'admin'] })
      .notNull()
      .default('customer'),
    passwordHash: text('password_hash').notNull(),
    /** E.164, for text messages when the user opted in. */
    phone: text('phone'),
    notifyEmail: boolean('notify_email').notNull().default(true),
    notifySms: boolean('notify_sms').notNull().default(false),
    /** Counts changes to the user's details, numbering its events. */
    version: integer('version').notNull().default(1),
    /** A disabled account cannot log in or refresh; an admin enables it again. */
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    /** When the owner proved the address by using a verification token; null until then. */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('users_role_check', sql`${table.role} in ('customer', 'admin')`),
    check('users_status_check', sql`${table.status} in ('active', 'disabled')`),
    // Listing filters by email prefix: text_pattern_ops lets `LIKE 'prefix%'` use the index.
    index('users_email_prefix_idx').using('btree', sql`${table.email} text_pattern_ops`),
  ],
);

/**
 * One row per refresh token ever issued. A token is single use: refreshing marks it used and
 * issues the next one in the same family; presenting a used token revokes the whole family.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    /** SHA-256 of the token's secret part; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('refresh_tokens_family_idx').on(table.familyId), index('refresh_tokens_user_idx').on(table.userId)],
);

/**
 * Single-use tokens sent by email: a password reset (30 minutes) or an email verification. Like
 * refresh tokens, `<id>.<secret>` with only a SHA-256 of the secret stored; using one sets
 * `used_at` in one conditional UPDATE, so it works once however many requests race with it.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['password_reset', 'email_verification'] }).notNull(),
    secretHash: text('secret_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('account_tokens_user_idx').on(table.userId, table.purpose),
    check('account_tokens_purpose_check', sql`${table.purpose} in ('password_reset', 'email_verification')`),
  ],
);

/** A user's address book. At most one default per user, which the partial unique index enforces. */
export const addresses = pgTable(
  'addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code'),
    /** ISO 3166-1 alpha-2, upper case. */
    country: text('country').notNull(),
    /** E.164. */
    phone: text('phone'),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('addresses_user_idx').on(table.userId, table.createdAt),
    uniqueIndex('addresses_one_default_idx')
      .on(table.userId)
      .where(sql`${table.isDefault}`),
  ],
);

export { outbox };

export const schema = { users, refreshTokens, accountTokens, addresses, outbox };
export type AuthSchema = typeof schema;
