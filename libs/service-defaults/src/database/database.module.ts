import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
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
    // Written only once every connection has ended: the process exits 0 right after, so this
    // line is the only evidence (for operators and the shutdown test) that nothing was cut off.
    new Logger('Database').log(this.handle.kind === 'postgres' ? 'Connection pool closed' : 'PGlite closed');
  }
}
