// `npm start`: the whole system in one terminal. Each app runs from its TypeScript sources;
// without *_DATABASE_URL each keeps its data in embedded PGlite under <DATA_DIR>/<app> (./.data/<app>).
// Ctrl-C (or SIGTERM) stops every app cleanly; if one app dies, the rest are stopped too.
// `npm run dev` (--watch) restarts an app whenever a source file it loaded changes.
//
// The backends start first and the gateway only once each accepts connections, so the gateway's
// probes never meet a refused port; the ready line comes once the gateway's /health/ready is 200.
// Logs are one readable line per entry (pino-pretty) unless LOG_FORMAT=json, which passes the
// apps' JSON lines through as production writes them. Variables may come from .env (.env.example).
//
// Ports: PORT is the gateway's. Each TCP app listens where the gateway will look for it: the port
// of its *_SERVICE_URL (one tcp://host:port), else its default. So one set of variables moves
// both sides, e.g. to run a second copy beside the dev instance. A port of 0 (PORT=0,
// tcp://127.0.0.1:0, MAILDEV_*_PORT=0) lets the system choose: each process says in its
// "Listening on" line which port it bound, the apps that call it start once it has, told where,
// and the ready line shows the gateway's and the mail catcher's. So copies never collide (tests).
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { prettyFactory } from 'pino-pretty';
import { loadEnvFile } from './env-file.cjs';

loadEnvFile();

const BACKENDS = { auth: 4001, catalog: 4002, orders: 4003, notifications: 4004 };
/** The apps each one calls: where their port is 0, it starts once they have said where they listen. */
const CALLS = {
  auth: [],
  catalog: [],
  notifications: ['auth'],
  orders: ['auth', 'catalog', 'notifications'],
  gateway: Object.keys(BACKENDS),
};
/**
 * Calls that close a cycle (auth mails through notifications, which asks auth for contact details):
 * the caller starts first and, where the callee's port is 0, gets a relay's address instead.
 */
const LATE_CALLS = { auth: ['notifications'] };
const READY_WITHIN_MS = 180_000;
const watch = process.argv.includes('--watch');
const port = Number(process.env.PORT ?? '3000');
const children = new Map();
let stopping = false;

// Without SMTP_URL, the notifications app mails a local catcher (maildev, from npm) whose page
// lists every email the shop sent: SMTP on MAILDEV_SMTP_PORT, the page on MAILDEV_WEB_PORT.
const mailCatcher = process.env.SMTP_URL === undefined;
const MAIL_SMTP_PORT = Number(process.env.MAILDEV_SMTP_PORT ?? '1025');
const MAIL_WEB_PORT = Number(process.env.MAILDEV_WEB_PORT ?? '1080');

/** Where each process said it listens, by `<process> <scheme>` ("gateway http", "maildev smtp"). */
const bound = new Map();
const LISTENING = /^Listening on (\w+):\/\/\S+:(\d+)$/;
/** The configured port, or (for 0) the one the process reported; undefined until it has. */
const portOf = (name, scheme, configured) => (configured === 0 ? bound.get(`${name} ${scheme}`) : configured);

/** Where a backend must listen for its *_SERVICE_URL to reach it: one tcp://host:port, else the default. */
function backendAddress(app) {
  const name = `${app.toUpperCase()}_SERVICE_URL`;
  const url = process.env[name];
  if (url === undefined) return { host: '127.0.0.1', port: BACKENDS[app], env: {} };
  const match = /^tcp:\/\/([^:/\s,]+):(\d{1,5})$/.exec(url.trim());
  if (!match) {
    console.error(
      `[start] ${name} must be one tcp://host:port under npm start (it starts one instance of ${app}): ${url}`,
    );
    process.exit(1);
  }
  return { host: match[1], port: Number(match[2]), env: { PORT: match[2] } };
}

// An app restarted by --watch on port 0 would come back elsewhere, behind the back of its callers.
if (
  watch &&
  [port, MAIL_SMTP_PORT, MAIL_WEB_PORT, ...Object.keys(BACKENDS).map((app) => backendAddress(app).port)].includes(0)
) {
  console.error('[start] port 0 is for npm start only: npm run dev restarts apps, which must keep their ports');
  process.exit(1);
}

// Nest's own start-up chatter (modules loaded, every route mapped): dozens of lines saying nothing
// a developer acts on. Shown with LOG_LEVEL=debug or trace.
const BOOT_NOISE = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);
const verbose = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
// The apps log at info at least, so that their "Listening on" lines arrive; quieter levels are
// applied here.
const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const shownLevel = LEVELS[process.env.LOG_LEVEL] ?? LEVELS.info;
const appLogLevel = shownLevel > LEVELS.info ? 'info' : process.env.LOG_LEVEL;

const pretty = prettyFactory({
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,service,context',
  messageFormat: (log, messageKey) =>
    `${String(log.service ?? '').padEnd(8)}${log.context ? `${log.context}: ` : ''}${log[messageKey] ?? ''}`,
});

/**
 * One readable line per JSON log line of an app (or the line as it is with LOG_FORMAT=json);
 * anything else (a crash before logging) as it is. Notes where the app says it listens.
 */
function printLog(app, stream, out) {
  const json = process.env.LOG_FORMAT === 'json';
  createInterface({ input: stream }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      out.write(`${line}\n`);
      return;
    }
    const listening = LISTENING.exec(String(entry.msg ?? ''));
    if (listening) bound.set(`${app} ${listening[1]}`, Number(listening[2]));
    if (entry.level < shownLevel) return;
    if (json) out.write(`${line}\n`);
    else if (verbose || entry.level !== 30 || !BOOT_NOISE.has(entry.context)) out.write(pretty(entry));
  });
}

function startApp(app, env) {
  const args = [...(watch ? ['--watch', '--watch-preserve-output'] : []), '-r', './tools/register.cjs'];
  startProcess(app, [...args, `apps/${app}/src/main.ts`], env);
}

function startProcess(app, args, env) {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: appLogLevel, ...env },
  });
  printLog(app, child.stdout, process.stdout);
  printLog(app, child.stderr, process.stderr);
  children.set(app, child);
  child.once('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      console.error(`[start] ${app} exited (${signal ?? code}); stopping the rest`);
      stop(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) child.kill('SIGTERM');
  if (children.size === 0) process.exit(code);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const accepts = ({ host, port }) =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Polls `check` until it holds; false once stopping or past the deadline. */
async function until(check, deadline) {
  while (!stopping && Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

const deadline = Date.now() + READY_WITHIN_MS;
const backends = Object.keys(BACKENDS).map((app) => ({ app, ...backendAddress(app) }));
const address = Object.fromEntries([...backends, { app: 'gateway', host: '127.0.0.1', port }].map((a) => [a.app, a]));
const scheme = (app) => (app === 'gateway' ? 'http' : 'tcp');
const portKnown = (app) => portOf(app, scheme(app), address[app].port);
// Someone already there would answer in our place and the ready line would be a lie.
for (const { app, host, port } of Object.values(address)) {
  if (port !== 0 && (await accepts({ host, port }))) {
    console.error(`[start] ${host}:${port}, where ${app} should listen, is taken: is the shop running already?`);
    process.exit(1);
  }
}

/** Starts `app` once `ready` holds, with the addresses of the apps it calls (their ports known by then). */
async function launch(app, env = () => ({}), ready = () => true) {
  const callsKnown = () => CALLS[app].every((callee) => portKnown(callee) !== undefined);
  if (!(await until(async () => callsKnown() && ready(), deadline))) return;
  const url = async (callee) =>
    portKnown(callee) === undefined
      ? `tcp://127.0.0.1:${await relayTo(callee)}`
      : `tcp://${address[callee].host}:${portKnown(callee)}`;
  const callees = [...CALLS[app], ...(LATE_CALLS[app] ?? [])];
  const urls = await Promise.all(
    callees.map(async (callee) => [`${callee.toUpperCase()}_SERVICE_URL`, await url(callee)]),
  );
  startApp(app, { ...Object.fromEntries(urls), ...env() });
}

/**
 * A port of npm start's own, bound now, that forwards each connection to `app` once it has said
 * where it listens. Until then a connection is held, not reset: the caller's probe times out
 * quietly, where a reset would be logged as an error.
 */
async function relayTo(app) {
  const relay = createServer(async (socket) => {
    socket.on('error', () => socket.destroy());
    await until(async () => portKnown(app) !== undefined || socket.destroyed, deadline);
    if (socket.destroyed || portKnown(app) === undefined) return void socket.destroy();
    const upstream = connect({ host: address[app].host, port: portKnown(app) });
    upstream.on('error', () => upstream.destroy());
    // Either side closing closes the other, as a direct connection would.
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return relay.address().port;
}

const mailSmtpPort = () => portOf('maildev', 'smtp', MAIL_SMTP_PORT);
const mailWebPort = () => portOf('maildev', 'http', MAIL_WEB_PORT);
if (mailCatcher) {
  const ports = { MAILDEV_SMTP_PORT: String(MAIL_SMTP_PORT), MAILDEV_WEB_PORT: String(MAIL_WEB_PORT) };
  startProcess('maildev', ['scripts/mail-catcher.cjs'], ports);
}
for (const { app, env } of backends) {
  if (app === 'notifications' && mailCatcher) {
    const smtp = () => ({ ...env, SMTP_URL: `smtp://127.0.0.1:${mailSmtpPort()}` });
    void launch(app, smtp, () => mailSmtpPort() !== undefined);
  } else void launch(app, () => env);
}
// The gateway once every backend listens, so that its probes never meet a refused port.
await launch('gateway', undefined, () => backends.every(({ app }) => bound.has(`${app} tcp`)));
const base = () => `http://localhost:${portKnown('gateway')}`;
const urlsKnown = () => portKnown('gateway') !== undefined && (!mailCatcher || mailWebPort() !== undefined);
const gatewayReady = () =>
  fetch(`${base()}/health/ready`).then(
    (response) => response.ok,
    () => false,
  );
if (await until(async () => urlsKnown() && (await gatewayReady()), deadline)) {
  /** What the ready line lists besides the API. */
  const urls = [
    ['Swagger UI', `${base()}/docs`],
    ['OpenAPI', `${base()}/docs-json`],
    ...(mailCatcher ? [['Emails', `http://localhost:${mailWebPort()}`]] : []),
  ];
  const more = urls.map(([name, url]) => `        ${name}: ${url}\n`).join('');
  console.log(`\n[start] Shop is ready: ${base()}/api/v1\n${more}        Ctrl-C stops it.\n`);
}
if (!stopping && Date.now() >= deadline) {
  console.error(`[start] not ready after ${READY_WITHIN_MS / 1000} s; see the logs above`);
}
