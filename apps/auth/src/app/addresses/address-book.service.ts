import { Inject, Injectable } from '@nestjs/common';
import {
  type AddressDto,
  type AddressInputDto,
  type AddressPatchDto,
  ErrorCode,
  type PostalAddressDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { addresses, type AuthSchema, users } from '../db/schema';

/** Enough for anyone's homes, offices and relatives; a bound on what one account can store. */
export const MAX_ADDRESSES = 50;

type Transaction = Parameters<Parameters<Database<AuthSchema>['transaction']>[0]>[0];
type AddressRow = typeof addresses.$inferSelect;

const notFound = () => new AppError(404, ErrorCode.NotFound, 'Address not found');

/**
 * A user's address book. Every write runs in a transaction that first locks the user's row, so
 * writes to one book are serialized: moving the default (clear the old, set the new) never races
 * another write into a second default or none, and the count checked against MAX_ADDRESSES holds.
 */
@Injectable()
export class AddressBook {
  constructor(@Inject(DATABASE) private readonly db: Database<AuthSchema>) {}

  async list(userId: string): Promise<AddressDto[]> {
    const rows = await this.db
      .select()
      .from(addresses)
      .where(eq(addresses.userId, userId))
      .orderBy(desc(addresses.isDefault), asc(addresses.createdAt), asc(addresses.id));
    return rows.map(toAddressDto);
  }

  /** Someone else's address is not found, exactly like one that never existed. */
  async get(userId: string, addressId: string): Promise<AddressDto> {
    const [row] = await this.db.select().from(addresses).where(this.owned(userId, addressId));
    if (!row) throw notFound();
    return toAddressDto(row);
  }

  async create(userId: string, input: AddressInputDto): Promise<AddressDto> {
    return this.db.transaction(async (tx) => {
      await this.lockBook(tx, userId);
      const [{ count, defaults }] = await tx
        .select({
          count: sql<number>`count(*)::int`,
          defaults: sql<number>`count(*) filter (where ${addresses.isDefault})::int`,
        })
        .from(addresses)
        .where(eq(addresses.userId, userId));
      if (count >= MAX_ADDRESSES) {
        throw new AppError(409, ErrorCode.AddressBookFull, `An address book holds at most ${MAX_ADDRESSES} addresses`);
      }
      const isDefault = input.isDefault === true || defaults === 0;
      if (isDefault) await this.clearDefault(tx, userId);
      const [row] = await tx
        .insert(addresses)
        .values({ userId, ...postalFields(input), isDefault })
        .returning();
      return toAddressDto(row);
    });
  }

  async update(userId: string, addressId: string, patch: AddressPatchDto): Promise<AddressDto> {
    return this.db.transaction(async (tx) => {
      await this.lockBook(tx, userId);
      if (patch.isDefault) await this.clearDefault(tx, userId);
      const { isDefault, ...fields } = patch;
      const [row] = await tx
        .update(addresses)
        .set({ ...postalFields(fields), ...(isDefault ? { isDefault } : {}), updatedAt: sql`now()` })
        .where(this.owned(userId, addressId))
        .returning();
      // Throwing rolls back the cleared default too.
      if (!row) throw notFound();
      return toAddressDto(row);
    });
  }

  /** Deleting the default makes the newest remaining address the default. */
  async delete(userId: string, addressId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockBook(tx, userId);
      const [deleted] = await tx
        .delete(addresses)
        .where(this.owned(userId, addressId))
        .returning({ isDefault: addresses.isDefault });
      if (!deleted) throw notFound();
      if (!deleted.isDefault) return;
      const [newest] = await tx
        .select({ id: addresses.id })
        .from(addresses)
        .where(eq(addresses.userId, userId))
        .orderBy(desc(addresses.createdAt), desc(addresses.id))
        .limit(1);
      if (newest) await tx.update(addresses).set({ isDefault: true }).where(eq(addresses.id, newest.id));
    });
  }

  private owned(userId: string, addressId: string) {
    return and(eq(addresses.id, addressId), eq(addresses.userId, userId));
  }

  private async lockBook(tx: Transaction, userId: string): Promise<void> {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw new AppError(404, ErrorCode.NotFound, 'User not found');
  }

  private async clearDefault(tx: Transaction, userId: string): Promise<void> {
    await tx
      .update(addresses)
      .set({ isDefault: false })
      .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
  }
}

/** The postal fields given, `""` stored as null (none); fields left out stay out. */
function postalFields(input: Partial<PostalAddressDto>) {
  const optional = (value: string | undefined) => (value === undefined ? undefined : value || null);
  return {
    name: input.name,
    line1: input.line1,
    line2: optional(input.line2),
    city: input.city,
    region: optional(input.region),
    postalCode: optional(input.postalCode),
    country: input.country,
    phone: optional(input.phone),
  } as Omit<typeof addresses.$inferInsert, 'userId'> & { name: string; line1: string; city: string; country: string };
}

function toAddressDto(row: AddressRow): AddressDto {
  return {
    id: row.id,
    name: row.name,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    phone: row.phone,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
