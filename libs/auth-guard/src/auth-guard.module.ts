import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier';
import { createJwtKey } from './jwt-key';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';

/**
 * Provides {@link JwtAuthGuard} over Passport's {@link JwtStrategy}; the importing app installs it as a global guard
 * (`{ provide: APP_GUARD, useExisting: JwtAuthGuard }`) where it fits in its guard order.
 */
@Module({})
export class AuthGuardModule {
  static forRoot(options: { jwtSecret: string }): DynamicModule {
    const key = createJwtKey(options.jwtSecret);
    return {
      module: AuthGuardModule,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(key) },
        { provide: JwtStrategy, useValue: new JwtStrategy(key) },
        JwtAuthGuard,
      ],
      exports: [AccessTokenVerifier, JwtAuthGuard],
    };
  }
}
