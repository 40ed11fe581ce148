import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { Database } from '@shop/service-defaults';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { accountTokens, type AuthSchema } from '../db/schema';
import { formatOpaqueToken, hashSecret, newOpaqueToken, parseOpaqueToken } from './opaque-token';

export type AccountTokenPurpose = (typeof accountTokens.$inferInsert)['purpose'];
type Executor = Pick<Database<AuthSchema>, 'insert' | 'update'>;

export const invalidToken = () =>
  new AppError(400, ErrorCode.InvalidToken, 'The link is invalid, expired or already used; ask for a new one');

/** Single-use tokens for emailed links. Only a hash of the secret is stored; the token itself goes out once, by mail. */
@Injectable()
export class AccountTokens {
  /** A new token for the user; earlier unused ones of the same purpose stop working, so only the latest link does. */
  async issue(executor: Executor, userId: string, purpose: AccountTokenPurpose, ttlSeconds: number): Promise<string> {
    await executor
      .update(accountTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
    const token = newOpaqueToken();
    await executor.insert(accountTokens).values({
      id: token.id,
      userId,
      purpose,
      secretHash: hashSecret(token.secret),
      expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})`,
    });
    return formatOpaqueToken(token);
  }

  /**
   * Uses the token up in one conditional UPDATE (of racing uses exactly one wins) and answers
   * whose it was. Reused, expired, forged or of another purpose: 400 INVALID_TOKEN.
   */
  async consume(executor: Executor, value: string, purpose: AccountTokenPurpose): Promise<string> {
    const token = parseOpaqueToken(value);
    if (!token) throw invalidToken();
    const [used] = await executor
      .update(accountTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(accountTokens.id, token.id),
          eq(accountTokens.secretHash, hashSecret(token.secret)),
          eq(accountTokens.purpose, purpose),
          isNull(accountTokens.usedAt),
          gt(accountTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: accountTokens.userId });
    if (!used) throw invalidToken();
    return used.userId;
  }
}
