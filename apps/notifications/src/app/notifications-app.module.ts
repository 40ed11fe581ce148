import { type DynamicModule, Module } from '@nestjs/common';
import { AuthApi, EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { AccountEmailController } from './account-email/account-email.controller';
import { AccountEmailSender } from './account-email/account-email.sender';
import { schema } from './db/schema';
import { Mailer } from './delivery/mailer';
import { MAILER, NotificationSender, SMS_SENDER } from './delivery/notification-sender';
import { LoggedSmsSender, TwilioSmsSender } from './delivery/sms-sender';
import { OrderEventsHandler } from './events/order-events.handler';
import { RecipientCache } from './events/recipient-cache';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';
import { NotificationLog } from './notifications/notification-log';
import { NotificationsController } from './notifications/notifications.controller';
import { TemplateRenderer } from './templates/template-renderer';

/** How long a customer's contact details from auth are reused (see RecipientCache). */
const RECIPIENT_TTL_MS = 1_000;

/** What the event handler needs, in a module of its own so the events module can import it. */
@Module({})
class RecipientsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: RecipientsModule,
      providers: [
        { provide: NOTIFICATIONS_CONFIG, useValue: config },
        // Recipients come from auth through its contract, never from its tables.
        { provide: AuthApi, useFactory: () => new AuthApi(config.auth.address, { timeoutMs: config.auth.timeoutMs }) },
        { provide: RecipientCache, useFactory: () => new RecipientCache(RECIPIENT_TTL_MS) },
      ],
      exports: [NOTIFICATIONS_CONFIG, AuthApi, RecipientCache],
    };
  }
}

@Module({})
export class NotificationsAppModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    const recipients = RecipientsModule.forRoot(config);
    return {
      module: NotificationsAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({
          settings: config,
          schema,
          migrationsFolder: join(__dirname, 'db/migrations'),
        }),
        recipients,
        EventsModule.forRoot({ config: config.events, handler: OrderEventsHandler, imports: [recipients] }),
      ],
      controllers: [NotificationsController, AccountEmailController],
      providers: [
        { provide: MAILER, useFactory: () => new Mailer(config.mail.url, config.mail.from) },
        {
          provide: SMS_SENDER,
          useFactory: () => (config.twilio ? new TwilioSmsSender(config.twilio) : new LoggedSmsSender()),
        },
        {
          provide: TemplateRenderer,
          useFactory: () => new TemplateRenderer(join(__dirname, 'templates'), config.shop.locale),
        },
        NotificationSender,
        AccountEmailSender,
        NotificationLog,
      ],
    };
  }
}
