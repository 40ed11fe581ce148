import { Injectable } from '@nestjs/common';
import type { Database } from '@shop/service-defaults';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { type AuthSchema, refreshTokens } from '../db/schema';

type Executor = Pick<Database<AuthSchema>, 'update'>;

/**
 * Ends a user's sessions: every refresh token still live is revoked. Callers run it in the
 * transaction that changed the user's row first (password, status), which is what makes it
 * race-safe against a concurrent login or refresh (see SessionService.lockUser). Access tokens
 * already issued stay valid until they expire (JWT_ACCESS_TTL).
 */
@Injectable()
export class SessionRevoker {
  async revokeAll(executor: Executor, userId: string, keepSessionId?: string): Promise<void> {
    await executor
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.userId, userId),
          isNull(refreshTokens.revokedAt),
          keepSessionId ? ne(refreshTokens.familyId, keepSessionId) : undefined,
        ),
      );
  }
}
