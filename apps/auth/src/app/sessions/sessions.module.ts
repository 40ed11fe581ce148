import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { SessionService } from './session.service';
import { SessionsController } from './sessions.controller';

/** Sessions: login, single-use refresh tokens in families, logout. */
@Module({
  imports: [CredentialsModule],
  controllers: [SessionsController],
  providers: [SessionService, AccessTokenIssuer],
})
export class SessionsModule {}
