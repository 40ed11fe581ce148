import { Module } from '@nestjs/common';
import { AccountMailModule } from '../account-mail/account-mail.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { EmailVerificationController } from './email-verification.controller';
import { EmailVerification } from './email-verification.service';

/** Verifying an account's email; registration issues the first link through it. */
@Module({
  imports: [CredentialsModule, AccountMailModule],
  controllers: [EmailVerificationController],
  providers: [EmailVerification],
  exports: [EmailVerification],
})
export class EmailVerificationModule {}
