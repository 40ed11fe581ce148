import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { startGateway } from './app/gateway.bootstrap';
import { loadGatewayConfig } from './app/gateway.config';

runApp(() => startGateway(loadGatewayConfig(process.env)));
