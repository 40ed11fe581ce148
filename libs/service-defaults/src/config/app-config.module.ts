import { type DynamicModule, Module } from '@nestjs/common';

/** An app's validated configuration, injectable anywhere under the app's own token. */
@Module({})
export class AppConfigModule {
  static forRoot<TConfig>(token: symbol, config: TConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: token, useValue: config }],
      exports: [token],
    };
  }
}
