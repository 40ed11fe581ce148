import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { runGateway } from './app/gateway.bootstrap';
import { loadGatewayConfig } from './app/gateway.config';

runApp(() => runGateway(loadGatewayConfig(process.env)), { service: 'gateway' });
