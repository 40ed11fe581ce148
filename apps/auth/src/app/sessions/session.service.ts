import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type LoginDto, type TokenPairDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { businessMetrics, DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';
import { PasswordHasher } from '../credentials/password-hasher';
import { type AuthSchema, refreshTokens, users } from '../db/schema';
import { normalizeEmail } from '../users/user.mapper';
import { AccessTokenIssuer } from './access-token.issuer';
import { formatRefreshToken, hashSecret, newRefreshToken, parseRefreshToken, type RefreshToken } from './refresh-token';

type Executor = Pick<Database<AuthSchema>, 'insert'>;

const invalidCredentials = () => new AppError(401, ErrorCode.InvalidCredentials, 'Email or password is incorrect');
const invalidRefreshToken = () =>
  new AppError(401, ErrorCode.InvalidRefreshToken, 'The refresh token is invalid, expired or already used');

@Injectable()
export class SessionService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<AuthSchema>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
  ) {}

  /** Unknown email and wrong password take the same time and give the same answer. */
  async login(dto: LoginDto): Promise<TokenPairDto> {
    const user = await this.db.query.users.findFirst({ where: eq(users.email, normalizeEmail(dto.email)) });
    const valid = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !valid) {
      businessMetrics.loginFailures.inc();
      throw invalidCredentials();
    }
    return this.issuePair(this.db, user, randomUUID());
  }

  /**
   * Rotation: the presented token is consumed in one conditional UPDATE, so of two concurrent
   * refreshes only one succeeds. A token that was already consumed means it leaked: its whole
   * family is revoked.
   */
  async refresh(value: string): Promise<TokenPairDto> {
    const token = parseRefreshToken(value);
    if (!token) throw invalidRefreshToken();

    const pair = await this.db.transaction(async (tx) => {
      const [consumed] = await tx
        .update(refreshTokens)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            this.matches(token),
            isNull(refreshTokens.usedAt),
            isNull(refreshTokens.revokedAt),
            gt(refreshTokens.expiresAt, sql`now()`),
          ),
        )
        .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
      if (!consumed) return null;
      const user = await tx.query.users.findFirst({ where: eq(users.id, consumed.userId) });
      return user ? this.issuePair(tx, user, consumed.familyId) : null;
    });
    if (pair) return pair;

    await this.revokeFamilyIfReused(token);
    throw invalidRefreshToken();
  }

  /** Idempotent: logging out with a token that no longer works is not an error. */
  async logout(value: string): Promise<void> {
    const token = parseRefreshToken(value);
    if (!token) return;
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(this.matches(token), isNull(refreshTokens.revokedAt)));
  }

  private async revokeFamilyIfReused(token: RefreshToken): Promise<void> {
    const reused = await this.db.query.refreshTokens.findFirst({
      where: and(this.matches(token), sql`${refreshTokens.usedAt} is not null`),
      columns: { familyId: true },
    });
    if (!reused) return;
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, reused.familyId), isNull(refreshTokens.revokedAt)));
  }

  private matches(token: RefreshToken) {
    return and(eq(refreshTokens.id, token.id), eq(refreshTokens.secretHash, hashSecret(token.secret)));
  }

  private async issuePair(
    executor: Executor,
    user: typeof users.$inferSelect,
    familyId: string,
  ): Promise<TokenPairDto> {
    const refreshToken = newRefreshToken();
    await executor.insert(refreshTokens).values({
      id: refreshToken.id,
      userId: user.id,
      familyId,
      secretHash: hashSecret(refreshToken.secret),
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtl * 1000),
    });
    return {
      accessToken: this.accessTokens.issue(user),
      refreshToken: formatRefreshToken(refreshToken),
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
