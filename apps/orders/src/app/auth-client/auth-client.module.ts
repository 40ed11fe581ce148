import { Module } from '@nestjs/common';
import { AuthApi } from '@shop/service-defaults';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** The auth app's typed client, over `AUTH_SERVICE_URL`: checkout copies an address from the book through it. */
@Module({
  providers: [
    {
      provide: AuthApi,
      inject: [ORDERS_CONFIG],
      useFactory: ({ auth }: OrdersConfig) => new AuthApi(auth.address, { timeoutMs: auth.timeoutMs }),
    },
  ],
  exports: [AuthApi],
})
export class AuthClientModule {}
