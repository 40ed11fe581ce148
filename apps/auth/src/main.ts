import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { startAuthApp } from './app/auth.bootstrap';
import { loadAuthConfig } from './app/auth.config';

runApp(() => startAuthApp(loadAuthConfig(process.env)), { service: 'auth' });
