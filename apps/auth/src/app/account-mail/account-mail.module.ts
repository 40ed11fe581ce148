import { Module } from '@nestjs/common';
import { NotificationsApi } from '@shop/service-defaults';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';
import { AccountMailer } from './account-mailer';

/** Delivery of account links (password reset, email verification) to their owners, by the notifications app. */
@Module({
  providers: [
    AccountMailer,
    {
      provide: NotificationsApi,
      inject: [AUTH_CONFIG],
      useFactory: ({ notifications }: AuthConfig) =>
        new NotificationsApi(notifications.address, { timeoutMs: notifications.timeoutMs }),
    },
  ],
  exports: [AccountMailer],
})
export class AccountMailModule {}
