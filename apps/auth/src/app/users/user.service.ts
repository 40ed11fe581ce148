import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type RegisterDto, Role, type UpdateMeRequest, type UserDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, onUniqueViolation, Outbox, type Transaction } from '@shop/service-defaults';
import { eq, sql } from 'drizzle-orm';
import { PasswordHasher } from '../credentials/password-hasher';
import { EmailVerification } from '../email-verification/email-verification.service';
import { type AuthSchema, refreshTokens, users } from '../db/schema';
import { normalizeEmail, toUserDto, toUserEventPayload, type UserRow } from './user.mapper';

const emailTaken = () => new AppError(409, ErrorCode.EmailTaken, 'An account with this email already exists');

@Injectable()
export class UserService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<AuthSchema>,
    private readonly hasher: PasswordHasher,
    private readonly verification: EmailVerification,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Self-registration always creates a customer; the role is not the caller's to choose. The
   * account and its first verification token are written together; the link is emailed after.
   */
  async register(dto: RegisterDto): Promise<UserDto> {
    const passwordHash = await this.hasher.hash(dto.password);
    const { user, sendVerification } = await onUniqueViolation('users_email_key', emailTaken, () =>
      this.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ email: normalizeEmail(dto.email), name: dto.name, role: Role.Customer, passwordHash })
          .returning();
        await this.recordEvent(tx, 'user.registered', row);
        return { user: row, sendVerification: await this.verification.issue(tx, row) };
      }),
    );
    sendVerification();
    return toUserDto(user);
  }

  /** Name, phone and notification opt-ins; what is left out stays as it is. */
  async updateMe({ userId, changes }: UpdateMeRequest): Promise<UserDto> {
    const { name, phone, notifications } = changes;
    const user = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({
          name,
          phone,
          notifyEmail: notifications?.email,
          notifySms: notifications?.sms,
          version: sql`${users.version} + 1`,
        })
        .where(eq(users.id, userId))
        .returning();
      if (row) await this.recordEvent(tx, 'user.updated', row);
      return row;
    });
    if (!user) throw new AppError(404, ErrorCode.NotFound, 'User not found');
    return toUserDto(user);
  }

  private recordEvent(tx: Transaction<AuthSchema>, type: 'user.registered' | 'user.updated', user: UserRow) {
    return this.outbox.add(tx, type, {
      aggregateId: user.id,
      aggregateVersion: user.version,
      payload: toUserEventPayload(user),
    });
  }

  async profile(userId: string): Promise<UserDto> {
    const user = await this.db.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user) throw new AppError(404, ErrorCode.NotFound, 'User not found');
    return toUserDto(user);
  }

  /**
   * Makes the configured admin account exist with the configured password, so an operator who
   * changes ADMIN_PASSWORD and restarts gets what they asked for. One verification tells whether
   * anything is to do (the usual restart); otherwise one upsert, safe when replicas start
   * together, creates the account, promotes an account someone registered with that email first,
   * or sets the new password. Whenever it writes, the account's sessions are revoked: they were
   * opened by someone else or with a password that no longer holds.
   */
  async ensureAdmin(email: string, password: string): Promise<'unchanged' | 'written'> {
    const existing = await this.db.query.users.findFirst({ where: eq(users.email, normalizeEmail(email)) });
    if (existing?.role === Role.Admin && (await this.hasher.verify(existing.passwordHash, password))) {
      return 'unchanged';
    }
    const passwordHash = await this.hasher.hash(password);
    await this.db.transaction(async (tx) => {
      const [admin] = await tx
        .insert(users)
        .values({ email: normalizeEmail(email), name: 'Administrator', role: Role.Admin, passwordHash })
        .onConflictDoUpdate({ target: users.email, set: { role: Role.Admin, passwordHash } })
        .returning({ id: users.id });
      await tx.delete(refreshTokens).where(eq(refreshTokens.userId, admin.id));
    });
    return 'written';
  }
}
