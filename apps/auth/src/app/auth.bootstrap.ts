import { startMicroservice } from '@shop/service-defaults';
import { AuthAppModule } from './auth-app.module';
import type { AuthConfig } from './auth.config';

export const startAuthApp = (config: AuthConfig) =>
  startMicroservice(AuthAppModule.forRoot(config), config.address, { healthPort: config.healthPort });
