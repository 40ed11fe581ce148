export const NotificationsPattern = {
  List: 'notifications.list',
} as const;
