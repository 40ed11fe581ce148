import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { startOrdersApp } from './app/orders.bootstrap';
import { loadOrdersConfig } from './app/orders.config';

runApp(() => startOrdersApp(loadOrdersConfig(process.env)), { service: 'orders' });
