import { Module } from '@nestjs/common';
import { AccountMailModule } from '../account-mail/account-mail.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PasswordService } from './password.service';
import { PasswordsController } from './passwords.controller';

/** Changing a password, and resetting a forgotten one by an emailed link. */
@Module({
  imports: [CredentialsModule, AccountMailModule, SessionsModule],
  controllers: [PasswordsController],
  providers: [PasswordService],
})
export class PasswordsModule {}
