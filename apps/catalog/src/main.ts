import 'reflect-metadata';
import { runApp } from '@shop/service-defaults';
import { startCatalogApp } from './app/catalog.bootstrap';
import { loadCatalogConfig } from './app/catalog.config';

runApp(() => startCatalogApp(loadCatalogConfig(process.env)), { service: 'catalog' });
