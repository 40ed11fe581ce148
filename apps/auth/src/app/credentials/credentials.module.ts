import { Module } from '@nestjs/common';
import { AccountTokens } from './account-tokens';
import { PasswordHasher } from './password-hasher';

/** Password hashing and the single-use tokens of emailed links; hashes never leave the auth app. */
@Module({ providers: [PasswordHasher, AccountTokens], exports: [PasswordHasher, AccountTokens] })
export class CredentialsModule {}
