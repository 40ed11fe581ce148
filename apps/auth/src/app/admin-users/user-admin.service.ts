import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  type ListUsersQuery,
  Role,
  type UserDto,
  type UserPageDto,
  UserStatus,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { type AuthSchema, users } from '../db/schema';
import { SessionRevoker } from '../sessions/session-revoker';
import { toUserDto } from '../users/user.mapper';

type Transaction = Parameters<Parameters<Database<AuthSchema>['transaction']>[0]>[0];
type UserChange = Partial<Pick<typeof users.$inferInsert, 'role' | 'status'>>;

const notFound = () => new AppError(404, ErrorCode.NotFound, 'User not found');
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * What admins do to accounts: list and read them, change roles, disable and enable. The shop
 * always keeps an active admin: demoting or disabling one locks every active admin's row first,
 * so of two admins demoting each other at once, the second sees the first's change and is refused.
 */
@Injectable()
export class UserAdmin {
  constructor(
    @Inject(DATABASE) private readonly db: Database<AuthSchema>,
    private readonly sessions: SessionRevoker,
  ) {}

  async list({ page = 1, limit = DEFAULT_PAGE_SIZE, email, role, status }: ListUsersQuery): Promise<UserPageDto> {
    const where = and(
      email ? like(users.email, `${escapeLike(email)}%`) : undefined,
      role ? eq(users.role, role) : undefined,
      status ? eq(users.status, status) : undefined,
    );
    const [rows, [{ total }]] = await Promise.all([
      this.db
        .select()
        .from(users)
        .where(where)
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db
        .select({ total: sql<number>`count(*)::int` })
        .from(users)
        .where(where),
    ]);
    return { items: rows.map(toUserDto), total, page, limit };
  }

  async get(userId: string): Promise<UserDto> {
    const user = await this.db.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user) throw notFound();
    return toUserDto(user);
  }

  /** Takes effect at the user's next login or refresh, when a token carrying the new role is issued. */
  setRole(userId: string, role: Role): Promise<UserDto> {
    return this.change(userId, { role });
  }

  /** Login and refresh are refused from now on, and every refresh token is revoked with it. */
  disable(userId: string): Promise<UserDto> {
    return this.change(userId, { status: UserStatus.Disabled });
  }

  enable(userId: string): Promise<UserDto> {
    return this.change(userId, { status: UserStatus.Active });
  }

  private change(userId: string, change: UserChange): Promise<UserDto> {
    return this.db.transaction(async (tx) => {
      if (change.role === Role.Customer || change.status === UserStatus.Disabled) {
        await this.keepAnAdmin(tx, userId);
      }
      const [user] = await tx.update(users).set(change).where(eq(users.id, userId)).returning();
      if (!user) throw notFound();
      if (change.status === UserStatus.Disabled) await this.sessions.revokeAll(tx, userId);
      return toUserDto(user);
    });
  }

  /** 409 LAST_ADMIN when the user is the only active admin; locks the active admins' rows until the transaction ends. */
  private async keepAnAdmin(tx: Transaction, userId: string): Promise<void> {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, Role.Admin), eq(users.status, UserStatus.Active)))
      .orderBy(asc(users.id))
      .for('update');
    if (admins.length === 1 && admins[0].id === userId) {
      throw new AppError(409, ErrorCode.LastAdmin, 'The last active admin can be neither demoted nor disabled');
    }
  }
}
