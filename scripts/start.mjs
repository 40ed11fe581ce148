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
// both sides, e.g. to run a second copy beside the dev instance.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { prettyFactory } from 'pino-pretty';
import { loadEnvFile } from './env-file.cjs';

loadEnvFile();

const BACKENDS = { auth: 4001, catalog: 4002, orders: 4003, notifications: 4004 };
const READY_WITHIN_MS = 180_000;
const watch = process.argv.includes('--watch');
const port = process.env.PORT ?? '3000';
const base = `http://localhost:${port}`;
const children = new Map();
let stopping = false;

// Without SMTP_URL, the notifications app mails a local catcher (maildev, from npm) whose page
// lists every email the shop sent: SMTP on MAILDEV_SMTP_PORT, the page on MAILDEV_WEB_PORT.
const mailCatcher = process.env.SMTP_URL === undefined;
const MAIL_SMTP_PORT = process.env.MAILDEV_SMTP_PORT ?? '1025';
const MAIL_WEB_PORT = process.env.MAILDEV_WEB_PORT ?? '1080';

/** What the ready line lists besides the API. */
const URLS = [
  ['Swagger UI', `${base}/docs`],
  ['OpenAPI', `${base}/docs-json`],
  ...(mailCatcher ? [['Emails', `http://localhost:${MAIL_WEB_PORT}`]] : []),
];

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

const pretty = prettyFactory({
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,service,context',
  messageFormat: (log, messageKey) =>
    `${String(log.service ?? '').padEnd(8)}${log.context ? `${log.context}: ` : ''}${log[messageKey] ?? ''}`,
});

/** One readable line per JSON log line of an app; anything else (a crash before logging) as it is. */
function printReadable(stream, out) {
  createInterface({ input: stream }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      out.write(`${line}\n`);
      return;
    }
    if (!verbose && entry.level === 30 && BOOT_NOISE.has(entry.context)) return;
    out.write(pretty(entry));
  });
}

function startApp(app, env) {
  const args = [...(watch ? ['--watch', '--watch-preserve-output'] : []), '-r', './tools/register.cjs'];
  startProcess(app, [...args, `apps/${app}/src/main.ts`], env);
}

function startProcess(app, args, env) {
  const json = process.env.LOG_FORMAT === 'json';
  const child = spawn(process.execPath, args, {
    stdio: json ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  if (!json) {
    printReadable(child.stdout, process.stdout);
    printReadable(child.stderr, process.stderr);
  }
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
const gatewayReady = () =>
  fetch(`${base}/health/ready`).then(
    (response) => response.ok,
    () => false,
  );

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
const gateway = { app: 'gateway', host: '127.0.0.1', port: Number(port) };
// Someone already there would answer in our place and the ready line would be a lie.
for (const { app, host, port } of [...backends, gateway]) {
  if (await accepts({ host, port })) {
    console.error(`[start] ${host}:${port}, where ${app} should listen, is taken: is the shop running already?`);
    process.exit(1);
  }
}
if (mailCatcher) {
  const maildev = ['--smtp', MAIL_SMTP_PORT, '--ip', '127.0.0.1', '--web', MAIL_WEB_PORT, '--web-ip', '127.0.0.1'];
  startProcess('maildev', ['node_modules/maildev/bin/maildev', ...maildev, '--silent'], {});
  backends.find(({ app }) => app === 'notifications').env.SMTP_URL = `smtp://127.0.0.1:${MAIL_SMTP_PORT}`;
}
for (const { app, env } of backends) startApp(app, env);
const listening = await Promise.all(backends.map((address) => until(() => accepts(address), deadline)));
if (listening.every(Boolean)) {
  startApp('gateway', {});
  if (await until(gatewayReady, deadline)) {
    const more = URLS.map(([name, url]) => `        ${name}: ${url}\n`).join('');
    console.log(`\n[start] Shop is ready: ${base}/api/v1\n${more}        Ctrl-C stops it.\n`);
  }
}
if (!stopping && Date.now() >= deadline) {
  console.error(`[start] not ready after ${READY_WITHIN_MS / 1000} s; see the logs above`);
}
