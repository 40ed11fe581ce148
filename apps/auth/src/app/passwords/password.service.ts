import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ChangePasswordRequest, ErrorCode, type PasswordResetConfirmDto, UserStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, sql } from 'drizzle-orm';
import { AccountMailer } from '../account-mail/account-mailer';
import { AccountTokens } from '../credentials/account-tokens';
import { PasswordHasher } from '../credentials/password-hasher';
import { type AuthSchema, users } from '../db/schema';
import { SessionRevoker } from '../sessions/session-revoker';
import { normalizeEmail } from '../users/user.mapper';

/** A reset link works once, for 30 minutes. */
export const PASSWORD_RESET_TTL_SECONDS = 30 * 60;

/**
 * Changing a password, and resetting a forgotten one by an emailed link. Either way the new hash
 * is written and sessions revoked in one transaction that updates the user's row first, so no
 * login or refresh racing with it keeps a session opened with the old password.
 */
@Injectable()
export class PasswordService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordService.name);
  private readonly resetsInFlight = new Set<Promise<void>>();

  constructor(
    @Inject(DATABASE) private readonly db: Database<AuthSchema>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccountTokens,
    private readonly mailer: AccountMailer,
    private readonly sessions: SessionRevoker,
  ) {}

  /** The caller's own session stays open; every other one is revoked. A wrong current password is 401. */
  async change({ userId, sessionId, currentPassword, newPassword }: ChangePasswordRequest): Promise<void> {
    const user = await this.db.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new AppError(401, ErrorCode.InvalidCredentials, 'The current password is incorrect');
    }
    const passwordHash = await this.hasher.hash(newPassword);
    await this.db.transaction(async (tx) => {
      // Only over the hash that was verified: of two racing changes, the second's "current" is no longer so.
      const [changed] = await tx
        .update(users)
        .set({ passwordHash })
        .where(and(eq(users.id, userId), eq(users.passwordHash, user.passwordHash)))
        .returning({ id: users.id });
      if (!changed) throw new AppError(401, ErrorCode.InvalidCredentials, 'The current password is incorrect');
      await this.sessions.revokeAll(tx, userId, sessionId);
    });
  }

  /**
   * Answers before anything is looked up: the link is issued and handed to the notifications app
   * off the request path, so an unknown email and a known one get the same answer after the same
   * work. A disabled account gets no link. Either outcome is logged, with the request id and
   * neither the address nor the token.
   */
  requestReset(email: string): void {
    const work = this.issueReset(normalizeEmail(email))
      .catch((error: Error) => this.logger.error({ error: error.message }, 'Could not issue a password reset link'))
      .finally(() => this.resetsInFlight.delete(work));
    this.resetsInFlight.add(work);
  }

  /** Sets the password and revokes every session of its user; the link then proves the mailbox too. */
  async confirmReset({ token, password }: PasswordResetConfirmDto): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    await this.db.transaction(async (tx) => {
      const userId = await this.tokens.consume(tx, token, 'password_reset');
      await tx
        .update(users)
        .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
        .where(eq(users.id, userId));
      await this.sessions.revokeAll(tx, userId);
    });
  }

  /** Before the notifications client closes: a link issued is handed over. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.resetsInFlight);
  }

  private async issueReset(email: string): Promise<void> {
    const user = await this.db.query.users.findFirst({ where: eq(users.email, email) });
    if (!user || user.status === UserStatus.Disabled) {
      this.logger.log('No password reset link sent: no active account has that email');
      return;
    }
    const token = await this.tokens.issue(this.db, user.id, 'password_reset', PASSWORD_RESET_TTL_SECONDS);
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_SECONDS * 1000).toISOString();
    await this.mailer.send({
      kind: 'password-reset',
      userId: user.id,
      email: user.email,
      name: user.name,
      token,
      expiresAt,
    });
  }
}
