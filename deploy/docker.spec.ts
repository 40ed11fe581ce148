// The Dockerfile is checked by a validator and by reading what it does, the compose file by its
// parsed structure and by `docker compose config` (the compose CLI that .ci/run builds into
// .tools/bin), the bundles the image runs (`nx build`) by building them and running their
// migrations here. .ci/run then builds the images with podman and runs them (.ci/images.mjs).
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

  it('bundles the app and installs its production dependencies in a build stage', () => {
    expect(instructions.filter((line) => line.startsWith('FROM'))).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN \.\/node_modules\/\.bin\/nx build "\$\{APP\}"/);
    expect(dockerfile).toMatch(/WORKDIR \/src\/dist\/apps\/\$\{APP\}\n.*\n?RUN .*npm ci --omit=dev/);
  });

  it('ships the bundle folder alone: no sources, no TypeScript, no SWC, no other app', () => {
    const copies = finalStage.filter((line) => line.startsWith('COPY'));
    expect(copies).toEqual(['COPY --from=build /src/dist/apps/${APP} ./']);
  });

  it('runs the bundle in production mode, as a non-root numeric user, with a health check', () => {
    expect(finalStage.find((line) => line.startsWith('ENV'))).toMatch(/NODE_ENV=production/);
    expect(finalStage.find((line) => line.startsWith('USER'))).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(finalStage.find((line) => line.startsWith('HEALTHCHECK'))).toMatch(/CMD \["node", "healthcheck\.cjs"\]$/);
    expect(finalStage.at(-1)).toBe('CMD ["node", "main.cjs"]');
  });

  it('carries the OCI labels', () => {
    const labels = finalStage.filter((line) => line.startsWith('LABEL')).join(' ');
    for (const key of ['title', 'description', 'version', 'revision', 'licenses']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
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

// deploy's test target depends on every app's build (project.json), so dist/ is this checkout's.
describe('nx build <app>', () => {
  const bundle = (app: string, file: string) => join(root, 'dist/apps', app, file);
  const manifest = (app: string) =>
    JSON.parse(readFileSync(bundle(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

  it.each(APPS)('bundles %s into main.cjs beside its migrations entry and health check', (app) => {
    for (const file of ['main.cjs', 'migrate.cjs', 'healthcheck.cjs', 'package.json', 'package-lock.json']) {
      expect({ app, file, exists: existsSync(bundle(app, file)) }).toEqual({ app, file, exists: true });
    }
    expect(existsSync(bundle(app, 'db/migrations/meta/_journal.json'))).toBe(app !== 'gateway');
  });

  it('gives each app only the production dependencies its bundle imports', () => {
    const deps = Object.fromEntries(APPS.map((app) => [app, Object.keys(manifest(app).dependencies)]));
    const workspace = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    for (const app of APPS) {
      for (const tool of [...Object.keys(workspace.devDependencies), 'typescript', '@swc/core', '@swc-node/register']) {
        expect({ app, tool, shipped: deps[app].includes(tool) }).toEqual({ app, tool, shipped: false });
      }
    }
    expect(deps.auth).toContain('argon2');
    expect(deps.orders).toContain('stripe');
    expect(deps.gateway).toContain('@nestjs/platform-fastify');
    const owner = { argon2: 'auth', stripe: 'orders', '@nestjs/platform-fastify': 'gateway' } as const;
    for (const [dependency, app] of Object.entries(owner)) {
      expect(APPS.filter((name) => deps[name].includes(dependency))).toEqual([app]);
    }
  });

  it.each(APPS)('locks exactly what the %s package.json names', (app) => {
    const lock = JSON.parse(readFileSync(bundle(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dependencies?: Record<string, string> }>;
    };
    expect(lock.packages[''].dependencies).toEqual(manifest(app).dependencies);
    for (const name of Object.keys(manifest(app).dependencies)) {
      expect(lock.packages[`node_modules/${name}`]).toBeDefined();
    }
    expect(lock.packages['node_modules/typescript']).toBeUndefined();
  });
});

describe('migrate.cjs in the bundle', () => {
  const migrate = (app: string, env: Record<string, string>) =>
    run('node', [join(root, 'dist/apps', app, 'migrate.cjs')], {
      cwd: root,
      env: { PATH: process.env.PATH, APP: app, ...env },
    });

  it.each(Object.keys(TCP_APPS))('applies the %s migrations, and again finds nothing to do', async (app) => {
    const database = await createTestDatabase(`migrate_${app}`);
    try {
      const env = { [`${app.toUpperCase()}_DATABASE_URL`]: database.url };
      await migrate(app, env);
      await migrate(app, env);
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
    await expect(migrate('auth', {})).rejects.toMatchObject({ code: 1 });
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
    expect(Object.keys(needs('orders')).sort()).toEqual(['auth', 'catalog', 'postgres', 'rabbitmq']);
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
    expect(services.rabbitmq.environment).toEqual({
      RABBITMQ_DEFAULT_USER: 'shop',
      RABBITMQ_DEFAULT_PASS: '${RABBITMQ_PASSWORD:-shop}',
    });
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
    expect(services.orders.environment?.AUTH_SERVICE_URL).toBe('tcp://auth:4001');
    expect(services.orders.environment?.CATALOG_SERVICE_URL).toBe('tcp://catalog:4002');
    expect(services.orders.environment?.NOTIFICATIONS_SERVICE_URL).toBe('tcp://notifications:4004');
    expect(services.notifications.environment?.AUTH_SERVICE_URL).toBe('tcp://auth:4001');
    // Auth hands password-reset and verification links to notifications, to email.
    expect(services.auth.environment?.NOTIFICATIONS_SERVICE_URL).toBe('tcp://notifications:4004');
    expect(services.notifications.environment?.ACCOUNT_LINK_BASE_URL).toBe(
      '${ACCOUNT_LINK_BASE_URL:-http://localhost:${GATEWAY_PORT:-3000}}',
    );
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
