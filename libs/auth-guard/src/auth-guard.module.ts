import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier';
import { createJwtKey } from './jwt-key';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * Provides {@link JwtAuthGuard}; the importing app installs it as a global guard
 * (`{ provide: APP_GUARD, useExisting: JwtAuthGuard }`) where it fits in its guard order.
 */
@Module({})
export class AuthGuardModule {
  static forRoot(options: { jwtSecret: string }): DynamicModule {
    return {
      module: AuthGuardModule,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(createJwtKey(options.jwtSecret)) },
        JwtAuthGuard,
      ],
      exports: [AccessTokenVerifier, JwtAuthGuard],
    };
  }
}
