import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { AdminAccountSeeder } from './admin-account.seeder';
import { UserService } from './user.service';
import { UsersController } from './users.controller';

/** Accounts: registration, profiles, and the configured admin. */
@Module({
  imports: [CredentialsModule, EmailVerificationModule],
  controllers: [UsersController],
  providers: [UserService, AdminAccountSeeder],
})
export class UsersModule {}
