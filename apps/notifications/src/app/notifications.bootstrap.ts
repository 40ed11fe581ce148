import { startMicroservice } from '@shop/service-defaults';
import { NotificationsAppModule } from './notifications-app.module';
import type { NotificationsConfig } from './notifications.config';

export const startNotificationsApp = (config: NotificationsConfig) =>
  startMicroservice(NotificationsAppModule.forRoot(config), config.address, { healthPort: config.healthPort });
