import { type DynamicModule, Module } from '@nestjs/common';
import { EventsModule, MicroserviceDefaultsModule, ServiceClient } from '@shop/service-defaults';
import { join } from 'node:path';
import { AuthClient } from './auth/auth.client';
import { schema } from './db/schema';
import { Mailer } from './delivery/mailer';
import { MAILER, NotificationSender, SMS_SENDER } from './delivery/notification-sender';
import { LoggedSmsSender, TwilioSmsSender } from './delivery/sms-sender';
import { OrderEventsHandler } from './events/order-events.handler';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';
import { NotificationLog } from './notifications/notification-log';
import { NotificationsController } from './notifications/notifications.controller';

/** What the event handler needs, in a module of its own so the events module can import it. */
@Module({})
class RecipientsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: RecipientsModule,
      providers: [
        { provide: NOTIFICATIONS_CONFIG, useValue: config },
        {
          provide: AuthClient,
          useFactory: () => new AuthClient(ServiceClient.tcp('auth', config.auth.address, config.auth.timeoutMs)),
        },
      ],
      exports: [NOTIFICATIONS_CONFIG, AuthClient],
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
      controllers: [NotificationsController],
      providers: [
        { provide: MAILER, useFactory: () => new Mailer(config.mail.url, config.mail.from) },
        {
          provide: SMS_SENDER,
          useFactory: () => (config.twilio ? new TwilioSmsSender(config.twilio) : new LoggedSmsSender()),
        },
        NotificationSender,
        NotificationLog,
      ],
    };
  }
}
