import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, spawnAppChild, untilReported } from './app-process';
import { HttpClient } from './http-client';
import { closedPort, waitFor } from './net';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { createTestDatabase } from './test-database';

/** The apps every system runs; `notifications` joins them when a test asks for it. */
export const BACKENDS = ['auth', 'catalog', 'orders'] as const;
export type BackendName = (typeof BACKENDS)[number] | 'notifications';
export type AppName = BackendName | 'gateway';

const LOG_DIR = join(ROOT, 'tmp/e2e-logs');

export interface TestSystemOptions {
  /** Names the databases and log files of this system, e.g. the test file's name. */
  label: string;
  /** Extra environment per app, on top of what the harness sets. */
  env?: Partial<Record<AppName, Record<string, string>>>;
  /** Instances per app (default 1); replicas share the app's database and have ids like `auth-2`. */
  replicas?: Partial<Record<BackendName, number>>;
  /**
   * Also run the notifications app (it needs an SMTP server: set its SMTP_URL in `env`). Without
   * it, the orders app's events wait in its outbox, as they would while notifications is down.
   */
  notifications?: boolean;
  /** Run the events over this RabbitMQ (exchanges and queues under a prefix of this system's own). */
  rabbitmqUrl?: string;
}

/** One line of an app's log (pino): epoch ms, message, and the request it was about, if any. */
export interface LogEntry {
  time: number;
  level: number;
  msg: string;
  context?: string;
  requestId?: string;
  [key: string]: unknown;
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * The whole system for one test file: a fresh PostgreSQL database per app, each app a real
 * process on its own port, the gateway in front, all dropped again by {@link stop}. Every app
 * binds a port of its own choosing (PORT=0) and says which in its "Listening on" line, so no
 * port is handed out that someone else could take first; the apps that call an app are started
 * after it, told where it listens.
 */
export class TestSystem {
  private client?: HttpClient;
  readonly jwtSecret = randomBytes(32).toString('hex');
  /** Running processes by instance id: the app's name, or any other id for extra replicas. */
  private readonly children = new Map<string, ChildProcess>();
  private readonly env = new Map<AppName, Record<string, string>>();
  private readonly ports = new Map<AppName, number>();
  /** Every instance's port, by instance id. */
  private readonly instancePorts = new Map<string, number>();
  private readonly instanceIds = new Map<BackendName, string[]>();
  private readonly databases: { drop(): Promise<void> }[] = [];
  private readonly databaseUrls = new Map<BackendName, string>();
  private readonly started = new Set<string>();
  private backends: BackendName[] = [...BACKENDS];
  private readonly rabbitmqId = randomBytes(4).toString('hex');
  /** Where orders and the gateway look for notifications when it does not run: a port nobody listens on. */
  private absentNotificationsPort = 0;
  /**
   * Where auth finds notifications when it runs: each calls the other, so one has to start before
   * the other's address is known. Auth gets this proxy's, bound before it starts, which forwards
   * to the notifications instances once they listen (round-robin).
   */
  private notificationsProxy?: TcpProxy;
  private proxiedConnections = 0;

  private constructor(readonly label: string) {}

  static async start(options: TestSystemOptions): Promise<TestSystem> {
    const system = new TestSystem(options.label);
    try {
      await system.configure(options);
      const startAll = (names: BackendName[]) =>
        Promise.all(names.flatMap((name) => system.instancesOf(name).map((id) => system.startApp(name, { id }))));
      // Orders calls the catalog (and hands events to notifications, which asks auth), so each
      // starts once the ports of what it calls are known.
      await startAll(['auth', 'catalog']);
      if (system.backends.includes('notifications')) await startAll(['notifications']);
      await startAll(['orders']);
      await system.startApp('gateway');
      await system.waitUntilReady();
      return system;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  /** A client for the gateway. */
  get http(): HttpClient {
    this.client ??= new HttpClient(`http://127.0.0.1:${this.ports.get('gateway')}`);
    return this.client;
  }

  /** Names this system's exchanges and queues on a shared RabbitMQ (`<prefix>.events`, `<prefix>.notifications`, …). */
  get rabbitmqPrefix(): string {
    return `test_${this.label}_${this.rabbitmqId}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The ids of an app's instances: its name, then `<name>-2`, `<name>-3`, … */
  instancesOf(name: BackendName): string[] {
    return this.instanceIds.get(name)!;
  }

  /** Where an app listens, for tests that speak its TCP patterns directly. */
  address(name: AppName): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.ports.get(name)! };
  }

  /** An app's own database, for tests that check what it stored or how it plans a query. */
  databaseUrl(name: BackendName): string {
    return this.databaseUrls.get(name)!;
  }

  /** Everything an instance logged so far (one JSON object per line). */
  logs(id: string): string {
    return readFileSync(this.logFile(id), 'utf8');
  }

  /** An instance's log lines as objects (lines that are not JSON, such as a crash's stack, left out). */
  logEntries(id: string): LogEntry[] {
    return this.logs(id)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogEntry);
  }

  /**
   * An instance's lines about one request, once it has written one that `done` accepts: pino
   * writes asynchronously, so a line may land after the client has its answer.
   */
  async requestLog(
    id: string,
    requestId: string,
    done: (entry: LogEntry) => boolean = () => true,
  ): Promise<LogEntry[]> {
    const lines = () => this.logEntries(id).filter((entry) => entry.requestId === requestId);
    await waitFor(`${id}'s log line for request ${requestId}`, async () => lines().some(done));
    return lines();
  }

  /** The port of one instance, by id (`catalog-2`), to tell its address in another process's logs. */
  instancePort(id: string): number {
    return this.instancePorts.get(id) ?? this.ports.get(id as AppName)!;
  }

  /** Freezes an instance (SIGSTOP): its connections stay open but nothing answers. */
  pauseApp(id: string): void {
    this.children.get(id)?.kill('SIGSTOP');
  }

  resumeApp(id: string): void {
    this.children.get(id)?.kill('SIGCONT');
  }

  /**
   * Starts an app and resolves with its port once it listens. A new instance (another `id`)
   * binds a port of its own choosing; a restarted one takes its old port back, since the apps
   * that call it know it by that port.
   */
  async startApp(name: AppName, options: { id?: string; env?: Record<string, string> } = {}): Promise<number> {
    const id = options.id ?? name;
    const port = this.instancePorts.get(id) ?? 0;
    // A restarted instance appends to its log; a new system starts each log afresh.
    const restarted = this.started.has(id);
    const out = openSync(this.logFile(id), restarted ? 'a' : 'w');
    const from = restarted ? statSync(this.logFile(id)).size : 0;
    this.started.add(id);
    const child = spawnAppChild(name, { ...this.envOf(name), PORT: String(port), ...options.env }, out);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.children.set(id, child);
    const bound = await untilReported(id, child, () => this.logs(id).slice(from));
    this.instancePorts.set(id, bound);
    if (id === name) this.ports.set(name, bound);
    return bound;
  }

  /** The port an instance answers health checks on (with HEALTH_PORT=0), from its log. */
  healthPort(id: string): number {
    const ports = [...this.logs(id).matchAll(/Health checks on http:\/\/[^ ]+?:(\d+)\//g)];
    if (ports.length === 0) throw new Error(`${id} has no health port`);
    return Number(ports[ports.length - 1][1]);
  }

  /** Stops one instance; SIGTERM lets it shut down cleanly, SIGKILL does not. */
  async stopApp(id: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.children.get(id);
    this.children.delete(id);
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exit;
  }

  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      'gateway readiness',
      async () => (await this.http.get('/health/ready').catch(() => null))?.status === 200,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((id) => this.stopApp(id, 'SIGKILL')));
    await this.notificationsProxy?.stop();
    await Promise.all(this.databases.map((database) => database.drop()));
  }

  private async configure(options: TestSystemOptions): Promise<void> {
    mkdirSync(LOG_DIR, { recursive: true });
    // Draining must outlast one round of the gateway's 1 s readiness probes.
    const common: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: this.jwtSecret,
      SHUTDOWN_DRAIN_MS: '1500',
    };
    if (options.rabbitmqUrl) {
      common.RABBITMQ_URL = options.rabbitmqUrl;
      common.RABBITMQ_PREFIX = this.rabbitmqPrefix;
    }
    if (options.notifications) {
      this.backends.push('notifications');
      this.notificationsProxy = await startTcpProxy(() => {
        const ports = this.instancesOf('notifications').flatMap((id) => this.instancePorts.get(id) ?? []);
        if (!ports.length) return undefined;
        return `tcp://127.0.0.1:${ports[this.proxiedConnections++ % ports.length]}`;
      });
    } else this.absentNotificationsPort = await closedPort();
    for (const name of this.backends) {
      const database = await createTestDatabase(`${options.label}_${name}`);
      this.databases.push(database);
      this.databaseUrls.set(name, database.url);
      const ids = Array.from({ length: options.replicas?.[name] ?? 1 }, (_, i) =>
        i === 0 ? name : `${name}-${i + 1}`,
      );
      this.instanceIds.set(name, ids);
      this.env.set(name, {
        ...common,
        HOST: '127.0.0.1',
        [`${name.toUpperCase()}_DATABASE_URL`]: database.url,
        ...options.env?.[name],
      });
    }
    this.env.set('gateway', { ...common, HOST: '127.0.0.1', ...options.env?.gateway });
  }

  /** An app's environment, with the addresses of the apps it calls as they are bound now. */
  private envOf(name: AppName): Record<string, string> {
    const urls = (backend: BackendName) =>
      this.instancesOf(backend)
        .map((id) => `tcp://127.0.0.1:${this.instancePorts.get(id)}`)
        .join(',');
    const own = this.env.get(name)!;
    const notifications = this.backends.includes('notifications')
      ? urls('notifications')
      : `tcp://127.0.0.1:${this.absentNotificationsPort}`;
    if (name === 'orders')
      return {
        AUTH_SERVICE_URL: urls('auth'),
        CATALOG_SERVICE_URL: urls('catalog'),
        NOTIFICATIONS_SERVICE_URL: notifications,
        ...own,
      };
    if (name === 'notifications') return { AUTH_SERVICE_URL: urls('auth'), ...own };
    if (name === 'auth') return { NOTIFICATIONS_SERVICE_URL: this.notificationsProxy?.url ?? notifications, ...own };
    if (name === 'gateway') {
      return {
        ...Object.fromEntries(BACKENDS.map((backend) => [`${backend.toUpperCase()}_SERVICE_URL`, urls(backend)])),
        NOTIFICATIONS_SERVICE_URL: notifications,
        ...own,
      };
    }
    return own;
  }

  private logFile(id: string): string {
    return join(LOG_DIR, `${this.label}-${id}.log`);
  }
}
