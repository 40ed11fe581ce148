// `npm start`: the whole system in one terminal. Each app runs from its TypeScript sources;
// without *_DATABASE_URL each keeps its data in embedded PGlite under <DATA_DIR>/<app> (./.data/<app>).
// Ctrl-C (or SIGTERM) stops every app cleanly; if one app dies, the rest are stopped too.
//
// Ports: PORT is the gateway's. Each TCP app listens where the gateway will look for it: the port
// of its *_SERVICE_URL (one tcp://host:port), else its default. So one set of variables moves
// both sides, e.g. to run a second copy beside the dev instance.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const BACKENDS = ['auth', 'catalog', 'orders', 'notifications'];
const port = process.env.PORT ?? '3000';
const base = `http://localhost:${port}`;
const children = new Map();
let stopping = false;

/** The port an app must listen on for its *_SERVICE_URL to reach it; undefined: the app's default. */
function backendPort(app) {
  const name = `${app.toUpperCase()}_SERVICE_URL`;
  const url = process.env[name];
  if (url === undefined) return undefined;
  const match = /^tcp:\/\/[^:/\s,]+:(\d{1,5})$/.exec(url.trim());
  if (!match) {
    console.error(
      `[start] ${name} must be one tcp://host:port under npm start (it starts one instance of ${app}): ${url}`,
    );
    process.exit(1);
  }
  return match[1];
}

const envs = new Map(BACKENDS.map((app) => [app, { ...process.env, PORT: backendPort(app) }]));
envs.set('gateway', process.env);

// Without SMTP_URL, the notifications app mails a local catcher (maildev, from npm) whose page
// lists every email the shop sent: SMTP on MAILDEV_SMTP_PORT, the page on MAILDEV_WEB_PORT.
const mailCatcher = process.env.SMTP_URL === undefined;
const MAIL_SMTP_PORT = process.env.MAILDEV_SMTP_PORT ?? '1025';
const MAIL_WEB_PORT = process.env.MAILDEV_WEB_PORT ?? '1080';
if (mailCatcher) envs.get('notifications').SMTP_URL = `smtp://127.0.0.1:${MAIL_SMTP_PORT}`;
const commands = new Map(
  [...envs].map(([app, env]) => [app, { args: ['-r', './tools/register.cjs', `apps/${app}/src/main.ts`], env }]),
);
if (mailCatcher) {
  commands.set('maildev', {
    args: [
      'node_modules/maildev/bin/maildev',
      '--smtp',
      MAIL_SMTP_PORT,
      '--ip',
      '127.0.0.1',
      '--web',
      MAIL_WEB_PORT,
      '--web-ip',
      '127.0.0.1',
      '--silent',
    ],
    env: process.env,
  });
}

for (const [app, { args, env }] of commands) {
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env,
  });
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

const deadline = Date.now() + 120_000;
while (!stopping && Date.now() < deadline) {
  const ready = await fetch(`${base}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) {
    const mail = mailCatcher ? `  Emails: http://localhost:${MAIL_WEB_PORT}` : '';
    console.log(`\n[start] Shop is ready: ${base}/api/v1  (Swagger UI: ${base}/docs)${mail}  Ctrl-C stops it.\n`);
    break;
  }
  await sleep(250);
}
if (!stopping && Date.now() >= deadline) console.error('[start] not ready after 120 s; see the logs above');
