import { type DynamicModule, Module } from '@nestjs/common';
import { EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { AdminAccountSeeder } from './admin-account.seeder';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { AuthController } from './auth.controller';
import { PasswordHasher } from './credentials/password-hasher';
import { schema } from './db/schema';
import { AccessTokenIssuer } from './sessions/access-token.issuer';
import { SessionService } from './sessions/session.service';
import { UserService } from './users/user.service';

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
      ],
      controllers: [AuthController],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        PasswordHasher,
        AccessTokenIssuer,
        UserService,
        SessionService,
        AdminAccountSeeder,
      ],
    };
  }
}
