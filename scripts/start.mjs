// `npm start`: the whole system in one terminal. Each app runs from its TypeScript sources;
// without *_DATABASE_URL each keeps its data in embedded PGlite under <DATA_DIR>/<app> (./.data/<app>).
// Ctrl-C (or SIGTERM) stops every app cleanly; if one app dies, the rest are stopped too.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const APPS = ['auth', 'catalog', 'orders', 'gateway'];
const port = process.env.PORT ?? '3000';
const base = `http://localhost:${port}`;
const children = new Map();
let stopping = false;

for (const app of APPS) {
  const child = spawn(process.execPath, ['-r', './tools/register.cjs', `apps/${app}/src/main.ts`], {
    stdio: 'inherit',
    // PORT is the gateway's; each TCP app takes its own default port.
    env: app === 'gateway' ? process.env : { ...process.env, PORT: undefined },
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

const deadline = Date.now() + 60_000;
while (!stopping && Date.now() < deadline) {
  const ready = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
  if (ready) {
    console.log(`\n[start] Shop is ready: ${base}/api/v1  (Swagger UI: ${base}/docs)  Ctrl-C stops it.\n`);
    break;
  }
  await sleep(250);
}
if (!stopping && Date.now() >= deadline) console.error('[start] not ready after 60 s; see the logs above');
