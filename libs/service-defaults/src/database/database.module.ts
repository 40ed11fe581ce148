import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from './database';

/** Inject the Drizzle database with `@Inject(DATABASE)`. */
export const DATABASE = Symbol('DATABASE');
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

/** Opens the app's database, applies its migrations before the app serves, closes it on shutdown. */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle<Record<string, unknown>>) {}

  static forRoot<TSchema extends Record<string, unknown>>(options: DatabaseOptions<TSchema>): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: DATABASE_HANDLE, useFactory: () => openDatabase(options) },
        { provide: DATABASE, useFactory: (handle: DatabaseHandle<TSchema>) => handle.db, inject: [DATABASE_HANDLE] },
      ],
      exports: [DATABASE, DATABASE_HANDLE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}
