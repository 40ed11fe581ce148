import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';

/** Password hashing, shared by registration and login; hashes never leave the auth app. */
@Module({ providers: [PasswordHasher], exports: [PasswordHasher] })
export class CredentialsModule {}
