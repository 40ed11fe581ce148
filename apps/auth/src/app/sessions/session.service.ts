import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type LoginDto, type TokenPairDto, UserStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { businessMetrics, DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';
import { PasswordHasher } from '../credentials/password-hasher';
import { type AuthSchema, refreshTokens, users } from '../db/schema';
import { normalizeEmail } from '../users/user.mapper';
import { AccessTokenIssuer } from './access-token.issuer';
import {
  formatOpaqueToken,
  hashSecret,
  newOpaqueToken,
  type OpaqueToken,
  parseOpaqueToken,
} from '../credentials/opaque-token';

type Transaction = Parameters<Parameters<Database<AuthSchema>['transaction']>[0]>[0];
type UserRow = typeof users.$inferSelect;

const invalidCredentials = () => new AppError(401, ErrorCode.InvalidCredentials, 'Email or password is incorrect');
export const accountDisabled = () =>
  new AppError(401, ErrorCode.AccountDisabled, 'This account is disabled; ask an administrator');
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

  /**
   * Unknown email and wrong password take the same time and give the same answer. Only the right
   * password learns that an account is disabled.
   */
  async login(dto: LoginDto): Promise<TokenPairDto> {
    const user = await this.db.query.users.findFirst({ where: eq(users.email, normalizeEmail(dto.email)) });
    const valid = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !valid) {
      businessMetrics.loginFailures.inc();
      throw invalidCredentials();
    }
    return this.openSession(user);
  }

  /**
   * The session a verified password opens, in one statement (one round trip, one commit): the
   * user's row is share-locked as in {@link lockUser}, and the token is written only if that row
   * still has the password just verified and is not disabled. A password change or disable
   * committed meanwhile is seen (the lock waits for it and reads the new row); one that comes
   * after finds the token and revokes it.
   */
  private async openSession(user: UserRow): Promise<TokenPairDto> {
    const refreshToken = newOpaqueToken();
    const familyId = randomUUID();
    const column = (name: string) => sql.identifier(name);
    const result = await this.db.execute(sql`
      with current as (
        select ${column(users.id.name)}, ${column(users.role.name)}, ${column(users.status.name)}, ${column(users.passwordHash.name)}
        from ${users} where ${users.id} = ${user.id} for share
      ), issued as (
        insert into ${refreshTokens} (${column(refreshTokens.id.name)}, ${column(refreshTokens.userId.name)}, ${column(refreshTokens.familyId.name)}, ${column(refreshTokens.secretHash.name)}, ${column(refreshTokens.expiresAt.name)})
        select ${refreshToken.id}::uuid, ${column(users.id.name)}, ${familyId}::uuid, ${hashSecret(refreshToken.secret)}, ${this.refreshExpiry().toISOString()}::timestamptz
        from current
        where ${column(users.passwordHash.name)} = ${user.passwordHash} and ${column(users.status.name)} <> ${UserStatus.Disabled}
        returning 1
      )
      select ${column(users.role.name)} as role, ${column(users.status.name)} as status, exists (select from issued) as issued from current`);
    const [current] = (result as unknown as { rows: { role: UserRow['role']; status: string; issued: boolean }[] })
      .rows;
    if (current?.status === UserStatus.Disabled) throw accountDisabled();
    // The password changed while it was being verified: the old one opens nothing.
    if (!current?.issued) throw invalidCredentials();
    return this.pair({ id: user.id, role: current.role }, familyId, refreshToken);
  }

  /**
   * Rotation: the presented token is consumed in one conditional UPDATE, so of two concurrent
   * refreshes only one succeeds. A token that was already consumed means it leaked: its whole
   * family is revoked.
   */
  async refresh(value: string): Promise<TokenPairDto> {
    const token = parseOpaqueToken(value);
    if (!token) throw invalidRefreshToken();

    const pair = await this.db.transaction(async (tx) => {
      // The user's row first, then the token's: the order a disable or password change takes
      // them in, so the two never wait on each other in a circle.
      const [owner] = await tx.select({ userId: refreshTokens.userId }).from(refreshTokens).where(this.matches(token));
      if (!owner) return null;
      const user = await this.lockUser(tx, owner.userId);
      if (!user) return null;
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
      // The role and status are read now: a role change takes effect at the next refresh.
      return consumed ? this.issuePair(tx, user, consumed.familyId) : null;
    });
    if (pair) return pair;

    await this.revokeFamilyIfReused(token);
    throw invalidRefreshToken();
  }

  /** Idempotent: logging out with a token that no longer works is not an error. */
  async logout(value: string): Promise<void> {
    const token = parseOpaqueToken(value);
    if (!token) return;
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(this.matches(token), isNull(refreshTokens.revokedAt)));
  }

  /**
   * The user's row, share-locked until the session is written: disabling an account or changing
   * its password updates that row before revoking sessions, so a login or refresh either commits
   * its token before that revocation (which then revokes it) or sees the new row. Disabled: 401.
   */
  private async lockUser(tx: Transaction, userId: string): Promise<UserRow | undefined> {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('share');
    if (user?.status === UserStatus.Disabled) throw accountDisabled();
    return user;
  }

  private async revokeFamilyIfReused(token: OpaqueToken): Promise<void> {
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

  private matches(token: OpaqueToken) {
    return and(eq(refreshTokens.id, token.id), eq(refreshTokens.secretHash, hashSecret(token.secret)));
  }

  private async issuePair(tx: Transaction, user: UserRow, familyId: string): Promise<TokenPairDto> {
    const refreshToken = newOpaqueToken();
    await tx.insert(refreshTokens).values({
      id: refreshToken.id,
      userId: user.id,
      familyId,
      secretHash: hashSecret(refreshToken.secret),
      expiresAt: this.refreshExpiry(),
    });
    return this.pair(user, familyId, refreshToken);
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtl * 1000);
  }

  private pair(user: Pick<UserRow, 'id' | 'role'>, familyId: string, refreshToken: OpaqueToken): TokenPairDto {
    return {
      accessToken: this.accessTokens.issue(user, familyId),
      refreshToken: formatOpaqueToken(refreshToken),
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
