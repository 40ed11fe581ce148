import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { startNotificationsApp } from './app/notifications.bootstrap';
import { loadNotificationsConfig } from './app/notifications.config';

runApp(() => startNotificationsApp(loadNotificationsConfig(process.env)), { service: 'notifications' });
