import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { AddressesModule } from './addresses/addresses.module';
import { AdminUsersModule } from './admin-users/admin-users.module';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { schema } from './db/schema';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { PasswordsModule } from './passwords/passwords.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AuthAppModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({
          settings: config,
          schema,
          migrationsFolder: join(__dirname, 'db/migrations'),
        }),
        EventsModule.forRoot({ config: config.events }),
        AppConfigModule.forRoot(AUTH_CONFIG, config),
        UsersModule,
        SessionsModule,
        AddressesModule,
        PasswordsModule,
        EmailVerificationModule,
        AdminUsersModule,
      ],
    };
  }
}
