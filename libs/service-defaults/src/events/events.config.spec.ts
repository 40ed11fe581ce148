import { consumersOf, loadEventsConfig } from './events.config';

describe('loadEventsConfig', () => {
  it('delivers embedded by default, to the consumers the catalogue names for what the app produces', () => {
    expect(consumersOf('orders')).toEqual(['notifications']);
    expect(consumersOf('notifications')).toEqual([]);
    expect(loadEventsConfig('orders', {})).toEqual({
      service: 'orders',
      rabbitmqUrl: undefined,
      rabbitmqPrefix: 'shop',
      pollMs: 250,
      retentionHours: 168,
      maxAttempts: 5,
      retryBaseMs: 1000,
      deliveryTimeoutMs: 5000,
      consumerAddresses: { notifications: [{ host: '127.0.0.1', port: 4004 }] },
    });
  });

  it('takes RabbitMQ and the consumers’ addresses from the environment', () => {
    const config = loadEventsConfig('orders', {
      RABBITMQ_URL: 'amqp://shop:secret@rabbitmq:5672',
      RABBITMQ_PREFIX: 'staging',
      NOTIFICATIONS_SERVICE_URL: 'tcp://notifications:4004',
    });
    expect(config).toMatchObject({
      rabbitmqUrl: 'amqp://shop:secret@rabbitmq:5672',
      rabbitmqPrefix: 'staging',
      consumerAddresses: { notifications: [{ host: 'notifications', port: 4004 }] },
    });
  });

  it('refuses a broker URL that is not amqp(s)://, naming the variable', () => {
    expect(() => loadEventsConfig('auth', { RABBITMQ_URL: 'http://rabbitmq:15672' })).toThrow(/RABBITMQ_URL/);
    expect(() => loadEventsConfig('auth', { EVENT_MAX_ATTEMPTS: '0' })).toThrow(/EVENT_MAX_ATTEMPTS/);
  });
});
