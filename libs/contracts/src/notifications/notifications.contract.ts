import { defineContract, returns } from '../contract';
import { healthCheck } from '../health/health.contract';
import { AccountEmailRequest } from './account-email.request';
import { NotificationListQuery, type NotificationPageDto } from './notification.dto';

export const NotificationsContract = defineContract('notifications', {
  health: healthCheck,
  list: {
    pattern: 'notifications.list',
    request: NotificationListQuery,
    response: returns<NotificationPageDto>(),
    retrySafe: true,
  },
  /**
   * Answers once the message is accepted (rendered, and sending begun), not sent. Not retry-safe:
   * a second delivery would email a second copy of the link.
   */
  sendAccountEmail: {
    pattern: 'notifications.account-email',
    request: AccountEmailRequest,
    response: returns<null>(),
    retrySafe: false,
  },
});
