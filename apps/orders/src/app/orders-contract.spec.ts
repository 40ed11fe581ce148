import { OrdersContract } from '@shop/contracts';
import { contractMismatches } from '@shop/testing';
import { OrdersAppModule } from './orders-app.module';
import { loadOrdersConfig } from './orders.config';

describe('the orders app and its contract', () => {
  it('handles every declared operation exactly once, and nothing undeclared', () => {
    expect(contractMismatches(OrdersContract, OrdersAppModule.forRoot(loadOrdersConfig({})))).toEqual([]);
  });
});
