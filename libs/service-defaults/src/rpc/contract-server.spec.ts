import { ServerTCP } from '@nestjs/microservices';
import { ContractServer } from './contract-server';

const routeOf = (server: ServerTCP, pattern: string): string =>
  (server as unknown as { getRouteFromPattern(pattern: string): string }).getRouteFromPattern(pattern);

describe('ContractServer', () => {
  const ours = new ContractServer({ port: 0 });
  const nest = new ServerTCP({ port: 0 });

  it.each([
    'orders.orders.get',
    'health.check',
    'notifications.send',
    'true',
    'null',
    '42',
    '"quoted"',
    '{"cmd":"sum","v":1}',
    '{"v":1,"cmd":"sum"}',
    '[1,2]',
    ' {"cmd":"sum"}',
    '{not json',
  ])('routes %j as Nest would', (pattern) => {
    expect(routeOf(ours, pattern)).toBe(routeOf(nest, pattern));
  });
});
