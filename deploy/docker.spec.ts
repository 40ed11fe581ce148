// No Docker engine runs where this is built and tested: the image is checked by a Dockerfile
// validator and by reading what it would do, the compose file by its parsed structure and by
// `docker compose config` (the compose CLI that .ci/run builds into .tools/bin), and the scripts
// the image runs (health check, migrations) by running them here.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '@shop/testing';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { Client } from 'pg';
import { parseDocument } from 'yaml';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const run = promisify(execFile);

const APPS = ['gateway', 'auth', 'catalog', 'orders', 'notifications'] as const;
const TCP_APPS = { auth: 4001, catalog: 4002, orders: 4003, notifications: 4004 } as const;

describe('docker/Dockerfile', () => {
  const dockerfile = read('docker/Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'));
  const finalStage = instructions.slice(instructions.map((line) => line.startsWith('FROM')).lastIndexOf(true));
  const strict = Object.fromEntries(
    [
      'deprecatedMaintainer',
      'directiveCasing',
      'emptyContinuationLine',
      'instructionCasing',
      'instructionCmdMultiple',
      'instructionEntrypointMultiple',
      'instructionHealthcheckMultiple',
      'instructionJSONInSingleQuotes',
      'instructionWorkdirRelative',
    ].map((rule) => [rule, ValidationSeverity.ERROR]),
  ) as ValidatorSettings;

  it('passes dockerfile-utils validation with every rule as an error', () => {
    expect(validate(dockerfile, strict)).toEqual([]);
  });

  it('is checked by a validator that does catch mistakes', () => {
    const broken = dockerfile.replace('HEALTHCHECK --interval=15s', 'HEALTHCHECK --interval=15').replace('USER', 'USR');
    expect(validate(broken, strict).length).toBeGreaterThanOrEqual(2);
  });

  it('installs production dependencies only, in a separate stage', () => {
    expect(instructions.filter((line) => line.startsWith('FROM'))).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(finalStage).toContain('COPY --from=deps /app/node_modules ./node_modules');
  });

  it('ships only what the app runs from', () => {
    const sources = finalStage
      .filter((line) => line.startsWith('COPY'))
      .flatMap((line) => line.split(/\s+/).slice(1, -1))
      .filter((word) => !word.startsWith('--'));
    expect(sources.sort()).toEqual(
      [
        '/app/node_modules',
        'apps/${APP}',
        'docker/healthcheck.cjs',
        'docker/migrate.cjs',
        'libs',
        'package.json',
        'tools',
        'tsconfig*.json',
      ].sort(),
    );
  });

  it('runs in production mode, as a non-root numeric user, with a health check', () => {
    expect(finalStage.find((line) => line.startsWith('ENV'))).toMatch(/NODE_ENV=production/);
    expect(finalStage.find((line) => line.startsWith('USER'))).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(finalStage.find((line) => line.startsWith('HEALTHCHECK'))).toMatch(
      /CMD \["node", "docker\/healthcheck\.cjs"\]$/,
    );
    expect(finalStage.at(-1)).toContain('exec node -r ./tools/register.cjs');
  });

  it('leaves the dependency lockfile, tests and local data out of the build context', () => {
    const ignore = read('.dockerignore').split('\n');
    expect(ignore[ignore.findIndex((line) => line && !line.startsWith('#'))]).toBe('*');
    expect(ignore).toEqual(expect.arrayContaining(['!package-lock.json', '**/*.spec.ts', 'libs/testing/']));
    expect(ignore).not.toContain('!node_modules/');
  });
});

describe('docker/healthcheck.cjs', () => {
  let status = 200;
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/health/live' ? status : 404).end();
  });
  let port: number;

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  beforeAll(() => (port = (server.address() as AddressInfo).port));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const check = (env: Record<string, string>) =>
    run('node', [join(root, 'docker/healthcheck.cjs')], { env: { PATH: process.env.PATH, ...env } }).then(
      () => 'healthy',
      () => 'unhealthy',
    );

  it('probes a TCP app on HEALTH_PORT and the gateway on PORT', async () => {
    status = 200;
    expect(await check({ APP: 'auth', HEALTH_PORT: String(port), PORT: '1' })).toBe('healthy');
    expect(await check({ APP: 'gateway', PORT: String(port), HEALTH_PORT: '1' })).toBe('healthy');
  });

  it('is unhealthy when the app answers an error or nothing', async () => {
    status = 503;
    expect(await check({ APP: 'auth', HEALTH_PORT: String(port) })).toBe('unhealthy');
    status = 200;
    expect(await check({ APP: 'auth', HEALTH_PORT: '1' })).toBe('unhealthy');
  });
});

describe('docker/migrate.cjs', () => {
  it.each(Object.keys(TCP_APPS))('applies the %s migrations, and again finds nothing to do', async (app) => {
    const database = await createTestDatabase(`migrate_${app}`);
    try {
      const migrate = () =>
        run('node', ['-r', './tools/register.cjs', 'docker/migrate.cjs'], {
          cwd: root,
          env: { PATH: process.env.PATH, APP: app, [`${app.toUpperCase()}_DATABASE_URL`]: database.url },
        });
      await migrate();
      await migrate();
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const applied = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
        const journal = JSON.parse(read(`apps/${app}/src/app/db/migrations/meta/_journal.json`));
        expect(applied.rows[0].n).toBe(journal.entries.length);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });

  it('refuses to run without an app database URL, rather than migrate an embedded database', async () => {
    await expect(
      run('node', ['-r', './tools/register.cjs', 'docker/migrate.cjs'], {
        cwd: root,
        env: { PATH: process.env.PATH, APP: 'auth' },
      }),
    ).rejects.toMatchObject({ code: 1 });
  });
});

describe('docker/compose.yaml', () => {
  const document = parseDocument(read('docker/compose.yaml'), { merge: true });
  const compose = document.toJS() as {
    services: Record<
      string,
      {
        image?: string;
        build?: { context: string; dockerfile: string; args: { APP: string } };
        environment?: Record<string, string | number | null>;
        healthcheck?: { test: string[] };
        depends_on?: Record<string, { condition: string }>;
        ports?: string[];
        read_only?: boolean;
      }
    >;
  };
  const { services } = compose;

  it('parses cleanly', () => {
    expect(document.errors).toEqual([]);
    expect(Object.keys(services).sort()).toEqual([
      'auth',
      'catalog',
      'gateway',
      'maildev',
      'notifications',
      'orders',
      'postgres',
      'rabbitmq',
      'redis',
    ]);
  });

  it('builds every app from the one Dockerfile, read-only', () => {
    for (const app of APPS) {
      expect(services[app].build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile', args: { APP: app } });
      expect(services[app].read_only).toBe(true);
    }
  });

  it('health-checks PostgreSQL and Redis, and starts each app only once what it needs is healthy', () => {
    expect(services.postgres.healthcheck?.test.join(' ')).toMatch(/pg_isready -h 127\.0\.0\.1/);
    expect(services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    const needs = (app: string) => services[app].depends_on ?? {};
    expect(services.rabbitmq.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
    expect(Object.keys(needs('auth')).sort()).toEqual(['postgres', 'rabbitmq']);
    expect(Object.keys(needs('catalog')).sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
    expect(Object.keys(needs('orders')).sort()).toEqual(['catalog', 'postgres', 'rabbitmq']);
    expect(Object.keys(needs('notifications')).sort()).toEqual(['auth', 'postgres', 'rabbitmq']);
    expect(Object.keys(needs('gateway')).sort()).toEqual(['auth', 'catalog', 'orders']);
    for (const app of APPS) {
      for (const dependency of Object.values(needs(app))) expect(dependency.condition).toBe('service_healthy');
    }
  });

  it('gives each app its own database on the one server', () => {
    const created = [...read('docker/postgres-init.sql').matchAll(/CREATE DATABASE (\w+);/g)].map((match) => match[1]);
    for (const [app, port] of Object.entries(TCP_APPS)) {
      const env = services[app].environment ?? {};
      expect(env.PORT).toBe(port);
      expect(env[`${app.toUpperCase()}_DATABASE_URL`]).toMatch(new RegExp(`@postgres:5432/${app}$`));
      expect(created).toContain(app);
    }
    expect(services.catalog.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('runs the events over RabbitMQ, with an account of its own (guest works from loopback only)', () => {
    for (const app of Object.keys(TCP_APPS)) {
      expect(services[app].environment?.RABBITMQ_URL).toBe('amqp://shop:${RABBITMQ_PASSWORD:-shop}@rabbitmq:5672');
    }
    expect(services.rabbitmq.environment).toEqual({ RABBITMQ_DEFAULT_USER: 'shop', RABBITMQ_DEFAULT_PASS: '${RABBITMQ_PASSWORD:-shop}' });
    expect(services.notifications.environment?.SMTP_URL).toBe('${SMTP_URL:-smtp://maildev:1025}');
  });

  it('requires JWT_SECRET from the environment, never a default', () => {
    for (const app of ['auth', 'gateway']) {
      expect(services[app].environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    }
  });

  it('points the gateway and orders at the apps, and publishes the gateway and the mail catcher only', () => {
    const gateway = services.gateway.environment ?? {};
    for (const [app, port] of Object.entries(TCP_APPS)) {
      expect(gateway[`${app.toUpperCase()}_SERVICE_URL`]).toBe(`tcp://${app}:${port}`);
    }
    expect(services.orders.environment?.CATALOG_SERVICE_URL).toBe('tcp://catalog:4002');
    expect(services.orders.environment?.NOTIFICATIONS_SERVICE_URL).toBe('tcp://notifications:4004');
    expect(services.notifications.environment?.AUTH_SERVICE_URL).toBe('tcp://auth:4001');
    expect(services.gateway.ports).toEqual(['${GATEWAY_PORT:-3000}:3000']);
    // The mail catcher's page is for the developer running the compose file.
    expect(services.maildev.ports).toEqual(['${MAILDEV_PORT:-1080}:1080']);
    for (const name of Object.keys(services).filter((name) => name !== 'gateway' && name !== 'maildev')) {
      expect(services[name].ports).toBeUndefined();
    }
  });
});

describe('docker compose config', () => {
  // Built from source by .ci/run, like helm: a missing binary fails the suite rather than skip it.
  const compose = join(root, '.tools/bin/docker-compose');
  const JWT_SECRET = 'compose-config-check-0123456789abcdef';
  /** `docker compose config` on a compose file, with only the given variables in its environment. */
  const config = (file: string, env: Record<string, string>, ...args: string[]) =>
    run(compose, ['-f', file, '--project-directory', join(root, 'docker'), 'config', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
  const composeFile = join(root, 'docker/compose.yaml');

  it('finds the compose CLI at .tools/bin/docker-compose (.ci/run builds it)', () => {
    expect(existsSync(compose)).toBe(true);
  });

  it('accepts docker/compose.yaml against the compose specification', async () => {
    await expect(config(composeFile, { JWT_SECRET }, '-q')).resolves.toMatchObject({ stderr: '' });
  });

  it('resolves the shared app settings and JWT_SECRET the way the checks above read them', async () => {
    const { stdout } = await config(composeFile, { JWT_SECRET }, '--format', 'json');
    const { services } = JSON.parse(stdout) as {
      services: Record<string, { read_only?: boolean; build?: { args?: Record<string, string> }; environment: any }>;
    };
    for (const app of APPS) {
      expect({ app, readOnly: services[app].read_only, arg: services[app].build?.args?.APP }).toEqual({
        app,
        readOnly: true,
        arg: app,
      });
      expect(services[app].environment.LOG_LEVEL).toBe('info');
    }
    expect(services.gateway.environment.JWT_SECRET).toBe(JWT_SECRET);
    expect(services.auth.environment.JWT_SECRET).toBe(JWT_SECRET);
  });

  it('refuses to run without JWT_SECRET, naming it', async () => {
    await expect(config(composeFile, {}, '-q')).rejects.toMatchObject({
      stderr: expect.stringMatching(/required variable JWT_SECRET is missing/),
    });
  });

  it('rejects a misspelt key: the check does catch mistakes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      const broken = join(dir, 'compose.yaml');
      writeFileSync(broken, read('docker/compose.yaml').replace('healthcheck:', 'healthchek:'));
      await expect(config(broken, { JWT_SECRET }, '-q')).rejects.toMatchObject({
        stderr: expect.stringMatching(/additional properties 'healthchek' not allowed/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
