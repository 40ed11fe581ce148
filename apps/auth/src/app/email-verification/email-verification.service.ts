import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { AccountMailer } from '../account-mail/account-mailer';
import { AccountTokens } from '../credentials/account-tokens';
import { type AuthSchema, users } from '../db/schema';

/** A verification link works for a week; resending makes a new one (and retires the old). */
export const VERIFICATION_TTL_SECONDS = 7 * 24 * 3600;

type Executor = Parameters<AccountTokens['issue']>[0];

/** Proving an account's email: a link mailed at registration (and on request), used once. */
@Injectable()
export class EmailVerification {
  constructor(
    @Inject(DATABASE) private readonly db: Database<AuthSchema>,
    private readonly tokens: AccountTokens,
    private readonly mailer: AccountMailer,
  ) {}

  /**
   * Issues a token inside the caller's transaction; the returned function, called once that has
   * committed, hands the link to the notifications app without making the caller wait for it.
   */
  async issue(executor: Executor, user: { id: string; email: string; name: string }): Promise<() => void> {
    const token = await this.tokens.issue(executor, user.id, 'email_verification', VERIFICATION_TTL_SECONDS);
    const expiresAt = new Date(Date.now() + VERIFICATION_TTL_SECONDS * 1000).toISOString();
    const mail = { kind: 'email-verification' as const, userId: user.id, email: user.email, name: user.name };
    return () => void this.mailer.send({ ...mail, token, expiresAt });
  }

  /** A new link for the caller; 409 when the email is verified already. */
  async resend(userId: string): Promise<void> {
    const send = await this.db.transaction(async (tx) => {
      const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!user) throw new AppError(404, ErrorCode.NotFound, 'User not found');
      if (user.emailVerifiedAt)
        throw new AppError(409, ErrorCode.EmailAlreadyVerified, 'The email is verified already');
      return this.issue(tx, user);
    });
    send();
  }

  async verify(token: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const userId = await this.tokens.consume(tx, token, 'email_verification');
      await tx
        .update(users)
        .set({ emailVerifiedAt: sql`now()` })
        .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    });
  }
}
