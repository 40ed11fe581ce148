import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { SessionRevoker } from './session-revoker';
import { SessionService } from './session.service';
import { SessionsController } from './sessions.controller';

/** Sessions: login, single-use refresh tokens in families, logout; revoking a user's sessions for the account modules. */
@Module({
  imports: [CredentialsModule],
  controllers: [SessionsController],
  providers: [SessionService, AccessTokenIssuer, SessionRevoker],
  exports: [SessionRevoker],
})
export class SessionsModule {}
