import { Module } from '@nestjs/common';
import { AccountMailer } from './account-mailer';

/** Delivery of account links (password reset, email verification) to their owners. */
@Module({ providers: [AccountMailer], exports: [AccountMailer] })
export class AccountMailModule {}
