import { defineContract, returns } from '../contract';
import { healthCheck } from '../health/health.contract';
import { NotificationListQuery, type NotificationPageDto } from './notification.dto';

export const NotificationsContract = defineContract('notifications', {
  health: healthCheck,
  list: {
    pattern: 'notifications.list',
    request: NotificationListQuery,
    response: returns<NotificationPageDto>(),
    retrySafe: true,
  },
});
