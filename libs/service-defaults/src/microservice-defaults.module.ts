import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { DatabaseModule } from './database/database.module';
import type { MicroserviceSettings } from './config/microservice-env';
import { HealthModule } from './health/health.module';
import { loggingModule } from './logging/logging.module';
import { RequestContextInterceptor, RPC_LOG } from './rpc/request-context.interceptor';
import { RpcErrorFilter } from './rpc/rpc-error.filter';

export interface MicroserviceDefaultsOptions<TSchema extends Record<string, unknown>> {
  settings: MicroserviceSettings;
  schema: TSchema;
  migrationsFolder: string;
}

/**
 * What every TCP app needs, in one import: JSON logs with request ids, its database with
 * migrations applied, a health check, and errors that keep their status across the hop.
 */
@Module({})
export class MicroserviceDefaultsModule {
  static forRoot<TSchema extends Record<string, unknown>>({
    settings,
    schema,
    migrationsFolder,
  }: MicroserviceDefaultsOptions<TSchema>): DynamicModule {
    return {
      module: MicroserviceDefaultsModule,
      imports: [
        loggingModule({ service: settings.service, level: settings.logLevel }),
        DatabaseModule.forRoot({ ...settings.database, schema, migrationsFolder }),
        HealthModule,
      ],
      providers: [
        { provide: RPC_LOG, useValue: settings.rpcLog },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
        { provide: APP_FILTER, useClass: RpcErrorFilter },
      ],
    };
  }
}
