import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { defineContract, EmptyRequest, healthCheck, returns, type ServiceHealth } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { waitFor } from '@shop/testing';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { ServiceClient, type ServiceClientOptions } from './service-client';
import { RpcErrorFilter } from './rpc-error.filter';

class EchoRequest {
  i?: number;
  n?: number;
}

/** What the test instances serve; `whoami` and `slow` may arrive twice, `echo` and `conflict` not. */
const { operations: op } = defineContract('test', {
  health: healthCheck,
  whoami: { pattern: 'whoami', request: EmptyRequest, response: returns<string>(), retrySafe: true },
  conflict: { pattern: 'conflict', request: EmptyRequest, response: returns<never>(), retrySafe: false },
  echo: { pattern: 'echo', request: EchoRequest, response: returns<EchoRequest>(), retrySafe: false },
  slow: { pattern: 'slow', request: EmptyRequest, response: returns<string>(), retrySafe: true },
});

/** Whether each instance says it is ready when probed. */
const ready = new Map<string, boolean>();
/** How many `echo` messages each instance has handled. */
const echoes = new Map<string, number>();
/** `slow` holds its answer until the test lets it go: slowness a busy machine cannot shorten or stretch. */
let releaseSlow: (() => void) | undefined;

// The client logs every failed try; these tests provoke plenty on purpose.
beforeAll(() => Logger.overrideLogger(false));

/** Real TCP apps, in this process: each answers `whoami` with its name; port 0 lets it bind one of its own. */
async function startInstance(name: string, port = 0, host = '127.0.0.1'): Promise<INestMicroservice> {
  ready.set(name, true);

  @Controller()
  class InstanceController {
    @MessagePattern(healthCheck.pattern)
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
      echoes.set(name, (echoes.get(name) ?? 0) + 1);
      return data;
    }

    @MessagePattern('slow')
    async slow(): Promise<string> {
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      return name;
    }
  }
  @Module({ controllers: [InstanceController] })
  class InstanceModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(InstanceModule, {
    transport: Transport.TCP,
    options: { host, port },
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

/** A frozen instance: it accepts connections and messages and never answers (SIGSTOP, a hung event loop). */
/** Everything the frozen instance was sent, to count the calls and the probes that reached it. */
let silentReceived = '';
const messagesAtSilent = (pattern: string) => silentReceived.split(JSON.stringify(pattern)).length - 1;
const callsAtSilent = () => messagesAtSilent('whoami');

function startSilent(): Promise<Server> {
  const sockets: Socket[] = [];
  return new Promise((resolve) => {
    const server = createServer((socket) => sockets.push(socket.on('data', (chunk) => (silentReceived += chunk))));
    server.on('close', () => sockets.forEach((socket) => socket.destroy()));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const portOfInstance = (instance: INestMicroservice) => portOf(instance.unwrap<Server>());

describe('ServiceClient over several instances', () => {
  let ports: number[];
  let instances: INestMicroservice[];
  let client: ServiceClient;

  beforeEach(async () => {
    instances = await Promise.all([0, 1].map((i) => startInstance(`instance-${i}`)));
    ports = instances.map(portOfInstance);
    client = ServiceClient.tcp(
      'test',
      ports.map((port) => ({ host: '127.0.0.1', port })),
      2_000,
    );
  });
  afterEach(async () => {
    client.close();
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('spreads calls over every instance', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.call(op.whoami, {})));
    expect(answers.filter((a) => a === 'instance-0')).toHaveLength(5);
    expect(answers.filter((a) => a === 'instance-1')).toHaveLength(5);
  });

  it("keeps an app's own error", async () => {
    await expect(client.call(op.conflict, {})).rejects.toMatchObject({ status: 409, code: 'SOMETHING_TAKEN' });
  });

  it('sends every call to the live instance when one is down, and takes the dead one back when it returns', async () => {
    await instances[1].close();
    // Refused connections never delivered the message, so even a non-idempotent call moves on.
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client.call(op.echo, { i })));
    expect(answers.map((answer) => answer.i)).toEqual([0, 1, 2, 3, 4, 5]);

    // Back at its address, as a restarted instance is.
    instances[1] = await startInstance('instance-1', ports[1]);
    const seen = new Set<string>();
    await waitFor('calls to reach the returned instance', async () =>
      seen.add(await client.call(op.whoami, {})).has('instance-1'),
    );
    expect(seen).toEqual(new Set(['instance-0', 'instance-1']));
  });

  it('stops sending to an instance that reports itself not ready (draining), and resumes when it is', async () => {
    const answering = async () =>
      [...new Set(await Promise.all(Array.from({ length: 6 }, () => client.call(op.whoami, {}))))].sort().join();
    // Each change shows once a probe round has seen it.
    ready.set('instance-1', false);
    await waitFor('calls to skip the draining instance', async () => (await answering()) === 'instance-0');
    // Out of rotation means out: call after call, none reaches it.
    for (let round = 0; round < 3; round++) expect(await answering()).toBe('instance-0');

    ready.set('instance-1', true);
    await waitFor('the ready instance to be back', async () => (await answering()) === 'instance-0,instance-1');
  });

  it('answers 503 when no instance is up', async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await expect(client.call(op.whoami, {})).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('ServiceClient when a connection drops mid-call', () => {
  let dropper: Server;
  let port: number;
  let live: INestMicroservice;

  beforeAll(async () => {
    dropper = await startDropper();
    live = await startInstance('live');
    port = portOfInstance(live);
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
    );

  it('retries an idempotent call on another instance', async () => {
    const client = clientOverBoth();
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => client.call(op.whoami, {})));
      expect(answers).toEqual(['live', 'live', 'live', 'live']);
    } finally {
      client.close();
    }
  });

  it('does not blindly retry a call that is not idempotent', async () => {
    const client = clientOverBoth();
    try {
      const outcomes = await Promise.allSettled([client.call(op.echo, { n: 1 }), client.call(op.echo, { n: 2 })]);
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected') as PromiseRejectedResult[];
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      client.close();
    }
  });
});

describe('ServiceClient when an instance hangs', () => {
  let silent: Server;
  let port: number;
  let live: INestMicroservice;
  let client: ServiceClient;
  const TIMEOUT_MS = 2_000;

  beforeAll(async () => {
    silent = await startSilent();
    live = await startInstance('live');
    port = portOfInstance(live);
  });
  afterEach(() => client.close());
  afterAll(async () => {
    await live.close();
    await new Promise((resolve) => silent.close(resolve));
  });

  const overBoth = (options: Partial<ServiceClientOptions> = {}) =>
    (client = new ServiceClient(
      'test',
      [
        { host: '127.0.0.1', port: portOf(silent) },
        { host: '127.0.0.1', port },
      ],
      { timeoutMs: TIMEOUT_MS, probeIntervalMs: 0, ...options },
    ));
  /** The call's outcome and how long it took. */
  const timed = async <T>(call: Promise<T>) => {
    const began = Date.now();
    const outcome = await call.catch((error: unknown) => error);
    return { outcome, ms: Date.now() - began };
  };

  it('answers an idempotent call from another instance within the deadline', async () => {
    overBoth();
    const before = callsAtSilent();
    const answers = await Promise.all(Array.from({ length: 4 }, () => client.call(op.whoami, {})));
    // Round-robin sent two of them to the silent instance first…
    expect(callsAtSilent() - before).toBe(2);
    // …and still every one was answered by the live one. Proven by the outcome, not a stopwatch
    // a busy machine can stretch: a call held by the silent instance until its deadline would have
    // had no time left for another instance, and failed with 504.
    expect(answers).toEqual(['live', 'live', 'live', 'live']);
  });

  it('does not send a call that is not idempotent twice: it times out', async () => {
    overBoth();
    echoes.set('live', 0);
    const calls = await Promise.all([0, 1].map((n) => timed(client.call(op.echo, { n }))));
    const failed = calls.filter((call) => call.outcome instanceof AppError);
    expect(failed).toHaveLength(1);
    expect(failed[0].outcome).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    expect(failed[0].ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(echoes.get('live')).toBe(1);
  });

  it('keeps a slow but live first try: the first answer wins', async () => {
    // The live instance is the one round-robin tries first; the silent one gets the second try.
    client = new ServiceClient(
      'test',
      [
        { host: '127.0.0.1', port: portOf(silent) },
        { host: '127.0.0.1', port },
      ],
      { timeoutMs: TIMEOUT_MS, probeIntervalMs: 0 },
    );
    const before = messagesAtSilent('slow');
    releaseSlow = undefined;
    const call = client.call(op.slow, {});
    // Halfway through the deadline the call went to the silent instance as well; only then does
    // the first try answer, so only a first try still listened to can answer it.
    await waitFor(
      'both tries to be under way',
      async () => releaseSlow !== undefined && messagesAtSilent('slow') > before,
    );
    releaseSlow!();
    expect(await call).toBe('live');
  });

  it('keeps an instance that fails its probe out of rotation until a probe finds it ready', async () => {
    overBoth({ probeIntervalMs: 100 });
    // Out once its first probe has timed out: from then on, calls pass it by.
    await waitFor('the silent instance to leave the rotation', async () => {
      const before = callsAtSilent();
      for (let i = 0; i < 4; i++) await client.call(op.whoami, {});
      return callsAtSilent() === before;
    });
    const before = callsAtSilent();
    // Spread over three failing probes, each awaited: no real call tries it again (counted, not timed).
    for (let round = 0; round < 3; round++) {
      const probes = messagesAtSilent(healthCheck.pattern);
      for (let i = 0; i < 5; i++) expect(await client.call(op.whoami, {})).toBe('live');
      await waitFor('another probe of the silent instance', async () => messagesAtSilent(healthCheck.pattern) > probes);
    }
    expect(callsAtSilent()).toBe(before);
  });
});

describe('ServiceClient with a host name', () => {
  let port: number;
  const instances: INestMicroservice[] = [];
  const clients: ServiceClient[] = [];
  /** What the name resolves to right now; the test changes it between lookups. */
  let answer: () => Promise<string[]>;
  let lookups = 0;
  const byName = (options: Partial<ServiceClientOptions> = {}) => {
    const client = new ServiceClient('test', [{ host: 'app.headless', port }], {
      timeoutMs: 2_000,
      resolveIntervalMs: 20,
      probeIntervalMs: 0,
      lookup: (host) => {
        expect(host).toBe('app.headless');
        lookups += 1;
        return answer();
      },
      ...options,
    });
    clients.push(client);
    return client;
  };
  /** Resolves once the client has looked the name up `rounds` more times. */
  const lookupRounds = async (rounds: number) => {
    const target = lookups + rounds;
    while (lookups < target) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const answersFrom = (client: ServiceClient, count = 6) =>
    Promise.all(Array.from({ length: count }, () => client.call(op.whoami, {}))).then((names) => new Set(names));

  beforeAll(async () => {
    // One port on several loopback addresses: the instances a headless Service's name stands for.
    instances.push(await startInstance('v4-first', 0, '127.0.0.1'));
    port = portOfInstance(instances[0]);
    instances.push(await startInstance('v4-second', port, '127.0.0.2'), await startInstance('v6', port, '::1'));
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(() => Promise.all(instances.map((instance) => instance.close())));

  it('resolves it to the instances behind it with the system resolver', async () => {
    const client = ServiceClient.tcp('test', { host: 'localhost', port }, 2_000);
    clients.push(client);
    expect(await client.call(op.whoami, {})).toMatch(/^v4-first$|^v6$/);
    expect(client.instances).toContain(`127.0.0.1:${port}`);
  });

  it('asks the system resolver for IPv4 and IPv6 addresses alike', async () => {
    // The system resolver here may know no AAAA record, so this pins down what it is asked.
    // The module object itself (an `import * as` would be a copy the client never calls).
    const dns = jest.requireActual<typeof import('node:dns/promises')>('node:dns/promises');
    const spy = jest
      .spyOn(dns, 'lookup')
      .mockResolvedValue([{ address: '::1', family: 6 }] as unknown as LookupAddress);
    try {
      const client = ServiceClient.tcp('test', { host: 'app.headless', port }, 2_000);
      clients.push(client);
      expect(await client.call(op.whoami, {})).toBe('v6');
      expect(spy).toHaveBeenCalledWith('app.headless', { all: true });
    } finally {
      spy.mockRestore();
    }
  });

  it('reaches IPv6 instances, keyed with the address in brackets', async () => {
    answer = async () => ['::1', '127.0.0.1'];
    const client = byName();
    expect(await answersFrom(client)).toEqual(new Set(['v6', 'v4-first']));
    expect(client.instances).toEqual([`[::1]:${port}`, `127.0.0.1:${port}`]);
  });

  it('picks up instances added and removed between lookups', async () => {
    answer = async () => ['127.0.0.1'];
    const client = byName();
    expect(await answersFrom(client)).toEqual(new Set(['v4-first']));

    answer = async () => ['127.0.0.1', '127.0.0.2'];
    await lookupRounds(2);
    expect(client.instances).toEqual([`127.0.0.1:${port}`, `127.0.0.2:${port}`]);
    expect(await answersFrom(client)).toEqual(new Set(['v4-first', 'v4-second']));

    answer = async () => ['127.0.0.2'];
    await lookupRounds(2);
    expect(client.instances).toEqual([`127.0.0.2:${port}`]);
    expect(await answersFrom(client)).toEqual(new Set(['v4-second']));
  });

  it('keeps the instances it had while the name fails or resolves to nothing, saying so once per change', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      answer = async () => ['127.0.0.1'];
      const client = byName();
      expect(await answersFrom(client)).toEqual(new Set(['v4-first']));

      answer = () =>
        Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND app.headless'), { code: 'ENOTFOUND' }));
      await lookupRounds(5);
      answer = async () => [];
      await lookupRounds(5);
      expect(client.instances).toEqual([`127.0.0.1:${port}`]);
      expect(await answersFrom(client)).toEqual(new Set(['v4-first']));
      expect(warn.mock.calls.map(([message]) => message)).toEqual([
        `app.headless:${port} cannot be resolved (ENOTFOUND); keeping the 1 instance(s) it had`,
        `app.headless:${port} resolves to no address; keeping the 1 instance(s) it had`,
      ]);

      answer = async () => ['127.0.0.2'];
      await lookupRounds(5);
      expect(client.instances).toEqual([`127.0.0.2:${port}`]);
      expect(log.mock.calls.map(([message]) => message)).toEqual([
        `app.headless:${port} resolves again`,
        `Instances now 127.0.0.2:${port} (joined: 1, left: 1)`,
      ]);
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it('answers 503 when a name has never resolved', async () => {
    answer = async () => [];
    await expect(byName().call(op.whoami, {})).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });
});
