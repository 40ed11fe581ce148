import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { HEALTH_CHECK, type ServiceHealth } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { createServer, type Server } from 'node:net';
import { ServiceClient } from './service-client';
import { RpcErrorFilter } from './rpc-error.filter';

/** Whether each instance says it is ready when probed. */
const ready = new Map<string, boolean>();

/** Real TCP apps, in this process: each answers `whoami` with its name. */
async function startInstance(name: string, port: number): Promise<INestMicroservice> {
  ready.set(name, true);

  @Controller()
  class InstanceController {
    @MessagePattern(HEALTH_CHECK)
    health(): ServiceHealth {
      return { status: ready.get(name) ? 'up' : 'down', database: 'up' };
    }

    @MessagePattern('whoami')
    whoami(): string {
      return name;
    }

    @MessagePattern('conflict')
    conflict(): never {
      throw new AppError(409, 'SOMETHING_TAKEN', 'taken');
    }

    @MessagePattern('echo')
    echo(@Payload('data') data: unknown): unknown {
      return data;
    }
  }
  @Module({ controllers: [InstanceController] })
  class InstanceModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(InstanceModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
    logger: false,
  });
  app.useGlobalFilters(new RpcErrorFilter());
  await app.listen();
  return app;
}

/** An instance that accepts a message and then drops the connection without answering. */
function startDropper(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.once('data', () => socket.destroy()));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const freePort = async () => {
  const server = await startDropper();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('ServiceClient over several instances', () => {
  let ports: number[];
  let instances: INestMicroservice[];
  let client: ServiceClient;

  beforeEach(async () => {
    ports = [await freePort(), await freePort()];
    instances = await Promise.all(ports.map((port, i) => startInstance(`instance-${i}`, port)));
    client = ServiceClient.tcp(
      'test',
      ports.map((port) => ({ host: '127.0.0.1', port })),
      2_000,
      new Set(['whoami']),
    );
  });
  afterEach(async () => {
    client.close();
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('spreads calls over every instance', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.send<string>('whoami', {})));
    expect(answers.filter((a) => a === 'instance-0')).toHaveLength(5);
    expect(answers.filter((a) => a === 'instance-1')).toHaveLength(5);
  });

  it("keeps an app's own error", async () => {
    await expect(client.send('conflict', {})).rejects.toMatchObject({ status: 409, code: 'SOMETHING_TAKEN' });
  });

  it('sends every call to the live instance when one is down, and takes the dead one back when it returns', async () => {
    await instances[1].close();
    // Refused connections never delivered the message, so even a non-idempotent call moves on.
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client.send<{ i: number }>('echo', { i })));
    expect(answers.map((answer) => answer.i)).toEqual([0, 1, 2, 3, 4, 5]);

    instances[1] = await startInstance('instance-1', ports[1]);
    const seen = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (!seen.has('instance-1') && Date.now() < deadline) {
      seen.add(await client.send<string>('whoami', {}));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toEqual(new Set(['instance-0', 'instance-1']));
  });

  it('stops sending to an instance that reports itself not ready (draining), and resumes when it is', async () => {
    ready.set('instance-1', false);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a probe round
    const whileDraining = await Promise.all(Array.from({ length: 6 }, () => client.send<string>('whoami', {})));
    expect(new Set(whileDraining)).toEqual(new Set(['instance-0']));

    ready.set('instance-1', true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await Promise.all(Array.from({ length: 6 }, () => client.send<string>('whoami', {})));
    expect(new Set(after)).toEqual(new Set(['instance-0', 'instance-1']));
  });

  it('answers 503 when no instance is up', async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await expect(client.send('whoami', {})).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('ServiceClient when a connection drops mid-call', () => {
  let dropper: Server;
  let port: number;
  let live: INestMicroservice;

  beforeAll(async () => {
    dropper = await startDropper();
    port = await freePort();
    live = await startInstance('live', port);
  });
  afterAll(async () => {
    await live.close();
    await new Promise((resolve) => dropper.close(resolve));
  });

  const clientOverBoth = () =>
    ServiceClient.tcp(
      'test',
      [
        { host: '127.0.0.1', port: portOf(dropper) },
        { host: '127.0.0.1', port },
      ],
      2_000,
      new Set(['whoami']),
    );

  it('retries an idempotent call on another instance', async () => {
    const client = clientOverBoth();
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => client.send<string>('whoami', {})));
      expect(answers).toEqual(['live', 'live', 'live', 'live']);
    } finally {
      client.close();
    }
  });

  it('does not blindly retry a call that is not idempotent', async () => {
    const client = clientOverBoth();
    try {
      const outcomes = await Promise.allSettled([client.send('echo', { n: 1 }), client.send('echo', { n: 2 })]);
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected') as PromiseRejectedResult[];
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      client.close();
    }
  });
});

describe('ServiceClient with a host name', () => {
  it('resolves it to the instances behind it', async () => {
    const port = await freePort();
    const instance = await startInstance('by-name', port);
    const client = ServiceClient.tcp('test', { host: 'localhost', port }, 2_000);
    try {
      expect(await client.send('whoami', {})).toBe('by-name');
      expect(client.instances).toEqual([`127.0.0.1:${port}`]);
    } finally {
      client.close();
      await instance.close();
    }
  });
});
