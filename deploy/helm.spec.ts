// Renders the chart with the helm binary `.ci/run` builds into .tools/bin and checks the objects
// Kubernetes would get. No cluster is needed; a missing helm fails the suite rather than skip it.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { metricsRegistry } from '@shop/service-defaults';
import { type AppProcess, closedPort, startAppProcess } from '@shop/testing';
import { parse, parseAllDocuments } from 'yaml';
// The chart is checked against the gateway's own config loader and routes, not a copy of them.
/* eslint-disable @nx/enforce-module-boundaries */
import { loadGatewayConfig } from '../apps/gateway/src/app/gateway.config';
import { API_PREFIX } from '../apps/gateway/src/app/http/api-prefix';
/* eslint-enable @nx/enforce-module-boundaries */

const root = join(__dirname, '..');
const helm = join(root, '.tools/bin/helm');
const chart = join(root, 'helm/shop');
const run = promisify(execFile);
// A binary built with `go install` assumes Kubernetes 1.20 unless told; the chart needs ≥ 1.25.
const KUBE_VERSION = '1.30.0';

const TCP_APPS = ['auth', 'catalog', 'orders', 'notifications'];
const APPS = ['gateway', ...TCP_APPS];

type K8sObject = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
  data?: Record<string, string>;
};
type Container = {
  name: string;
  image: string;
  command?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  resources?: { limits?: { cpu?: unknown; memory?: unknown }; requests?: { cpu?: unknown; memory?: unknown } };
  securityContext?: Record<string, any>;
};

async function render(valuesFile: string, ...extra: string[]): Promise<K8sObject[]> {
  const { stdout } = await run(helm, [
    'template',
    'shop',
    chart,
    '--kube-version',
    KUBE_VERSION,
    '-f',
    join(chart, 'ci', valuesFile),
    ...extra,
  ]);
  const documents = parseAllDocuments(stdout);
  for (const document of documents) expect(document.errors).toEqual([]);
  return documents.map((document) => document.toJS()).filter(Boolean);
}

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
};
const containersOf = (object: K8sObject): Container[] => object.spec.template.spec.containers;
const envOf = (container: Container) => Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry]));
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The values a ci/ file renders with: the chart's defaults, then the file over them. */
function valuesOf(valuesFile: string): Record<string, any> {
  const merge = (base: any, over: any): any =>
    base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(over)
      ? Object.fromEntries(
          [...new Set([...Object.keys(base), ...Object.keys(over)])].map((key) => [key, merge(base[key], over[key])]),
        )
      : (over ?? base);
  const load = (path: string) => parse(readFileSync(join(chart, path), 'utf8'));
  return merge(load('values.yaml'), load(join('ci', valuesFile)));
}

type Peer = Record<string, unknown>;
type IngressRule = { ports: { port: string; protocol: string }[]; from?: Peer[] };
/** Whether a NetworkPolicy lets `peer` (undefined: any source) open the named port. */
const allows = (policy: K8sObject, port: string, peer?: Peer) =>
  (policy.spec.ingress as IngressRule[]).some(
    (rule) =>
      rule.ports.some((entry) => entry.port === port) &&
      (!rule.from || (peer !== undefined && rule.from.some((from) => JSON.stringify(from) === JSON.stringify(peer)))),
  );

type IngressPath = { path: string; pathType: string };
/** Kubernetes' Ingress matching: Exact is the whole path, Prefix matches whole `/` segments. */
const admits = (paths: IngressPath[], url: string) =>
  paths.some(({ path, pathType }) => {
    if (pathType === 'Exact') return url === path;
    const prefix = path.replace(/\/+$/, '');
    return url === prefix || url.startsWith(`${prefix}/`);
  });

it('finds helm at .tools/bin/helm (.ci/run builds it)', () => {
  expect(existsSync(helm)).toBe(true);
});

it.each(['default-values.yaml', 'production-values.yaml'])('passes helm lint --strict with ci/%s', async (values) => {
  const { stdout } = await run(helm, [
    'lint',
    '--strict',
    chart,
    '--kube-version',
    KUBE_VERSION,
    '-f',
    join(chart, 'ci', values),
  ]);
  expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
});

it('refuses to render without secrets: they have no defaults', async () => {
  await expect(run(helm, ['template', 'shop', chart, '--kube-version', KUBE_VERSION])).rejects.toMatchObject({
    stderr: expect.stringMatching(/set secrets\.jwtSecret .* or existingSecret/),
  });
});

it('rejects a JWT key shorter than 32 characters and an unknown value', async () => {
  await expect(render('default-values.yaml', '--set', 'secrets.jwtSecret=too-short')).rejects.toMatchObject({
    stderr: expect.stringMatching(/\/secrets\/jwtSecret/),
  });
  await expect(render('default-values.yaml', '--set', 'apps.auth.replica=3')).rejects.toMatchObject({
    stderr: expect.stringMatching(/additional properties 'replica' not allowed/),
  });
});

describe.each(['default-values.yaml', 'production-values.yaml'])('rendered with ci/%s', (values) => {
  let objects: K8sObject[];
  const deployment = (app: string) => named(objects, 'Deployment', `shop-${app}`);
  const podLabels = (app: string): Record<string, string> => deployment(app).spec.template.metadata.labels;

  beforeAll(async () => {
    objects = await render(values);
  });

  it('has a Deployment and a Service per app, each Service selecting its pods on its named port', () => {
    expect(
      ofKind(objects, 'Deployment')
        .map((object) => object.metadata.name)
        .sort(),
    ).toEqual(APPS.map((app) => `shop-${app}`).sort());
    for (const app of APPS) {
      const service = named(objects, 'Service', `shop-${app}`);
      expect(matches(service.spec.selector, podLabels(app))).toBe(true);
      expect(matches(deployment(app).spec.selector.matchLabels, podLabels(app))).toBe(true);
      const port = service.spec.ports[0];
      expect(containersOf(deployment(app))[0].ports).toContainEqual({
        name: port.targetPort,
        containerPort: port.port,
      });
    }
  });

  it('runs every container non-root, read-only, unprivileged, with resource limits', () => {
    const workloads = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')];
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
      for (const container of containersOf(workload)) {
        const where = `${workload.metadata.name}/${container.name}`;
        expect({ where, ...container.securityContext }).toMatchObject({
          where,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect({ where, ...container.resources?.limits }).toEqual({
          where,
          cpu: expect.anything(),
          memory: expect.anything(),
        });
        expect(container.resources?.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('probes the gateway on its HTTP port and the TCP apps on their health port', () => {
    for (const app of APPS) {
      const [container] = containersOf(deployment(app));
      const port = TCP_APPS.includes(app) ? 'health' : 'http';
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port });
      if (port === 'health') {
        const healthPort = container.ports?.find((entry) => entry.name === 'health')?.containerPort;
        expect(envOf(container).HEALTH_PORT.value).toBe(String(healthPort));
      }
    }
  });

  it('keeps at least two replicas of everything, and autoscales the gateway', () => {
    for (const app of TCP_APPS) expect(deployment(app).spec.replicas).toBeGreaterThanOrEqual(2);
    // With an HPA the Deployment must not set replicas, or every upgrade would reset the scale.
    expect(deployment('gateway').spec.replicas).toBeUndefined();
    const [hpa, ...others] = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(others).toEqual([]);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  });

  it('has a PodDisruptionBudget per app that keeps a pod up', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    expect(budgets).toHaveLength(APPS.length);
    for (const app of APPS) {
      const budget = named(objects, 'PodDisruptionBudget', `shop-${app}`);
      expect(budget.spec.minAvailable).toBeGreaterThanOrEqual(1);
      expect(matches(budget.spec.selector.matchLabels, podLabels(app))).toBe(true);
    }
  });

  it('lets only the gateway (and orders for auth, catalog and notifications, notifications for auth) reach the TCP ports', () => {
    const callers: Record<string, string[]> = {
      auth: ['gateway', 'orders', 'notifications'],
      catalog: ['gateway', 'orders'],
      orders: ['gateway'],
      notifications: ['gateway', 'orders'],
    };
    for (const app of TCP_APPS) {
      const policy = named(objects, 'NetworkPolicy', `shop-${app}`);
      expect(matches(policy.spec.podSelector.matchLabels, podLabels(app))).toBe(true);
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      const rules: IngressRule[] = policy.spec.ingress;
      // The RPC port has one rule naming its callers; the only other port opened is the health port.
      const rpcRules = rules.filter((rule) => rule.ports.some((entry) => entry.port === 'rpc'));
      expect(rpcRules).toHaveLength(1);
      const [rule] = rpcRules;
      expect(rule.ports).toEqual([{ port: 'rpc', protocol: 'TCP' }]);
      const allowed = APPS.filter((caller) =>
        rule.from!.some((peer) => matches((peer as any).podSelector.matchLabels, podLabels(caller))),
      );
      expect(allowed).toEqual(callers[app]);
      expect(rules.flatMap((entry) => entry.ports.map((port) => port.port)).sort()).toEqual(['health', 'rpc']);
    }
    const gateway = named(objects, 'NetworkPolicy', 'shop-gateway');
    for (const rule of gateway.spec.ingress) expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    const { gatewayFrom } = valuesOf(values).networkPolicy;
    for (const peer of gatewayFrom) expect(allows(gateway, 'http', peer)).toBe(true);
    // Restricted to the ingress controller, the gateway's port is closed to any other pod.
    expect(allows(gateway, 'http', { podSelector: {} })).toBe(gatewayFrom.length === 0);
  });

  it('lets Prometheus scrape /metrics from every pod: port on the Service, NetworkPolicy, annotations or ServiceMonitor', () => {
    const { metrics, networkPolicy } = valuesOf(values);
    const monitors = ofKind(objects, 'ServiceMonitor');
    expect(monitors).toHaveLength(metrics.serviceMonitor.enabled ? APPS.length : 0);
    for (const app of APPS) {
      // The gateway serves /metrics on its HTTP port, the TCP apps on their health port.
      const portName = TCP_APPS.includes(app) ? 'health' : 'http';
      const [container] = containersOf(deployment(app));
      const containerPort = container.ports!.find((entry) => entry.name === portName)!.containerPort;

      const service = named(objects, 'Service', `shop-${app}`);
      const servicePort = service.spec.ports.find((entry: { targetPort: string }) => entry.targetPort === portName);
      expect({ app, servicePort: servicePort?.name }).toEqual({ app, servicePort: expect.any(String) });

      // Without scrapeFrom, any source; the gateway's port then stays as open as gatewayFrom says.
      const policy = named(objects, 'NetworkPolicy', `shop-${app}`);
      const anySource = TCP_APPS.includes(app) || networkPolicy.gatewayFrom.length === 0;
      if (metrics.scrapeFrom.length === 0) expect(allows(policy, portName)).toBe(anySource);
      for (const peer of metrics.scrapeFrom) expect(allows(policy, portName, peer)).toBe(true);

      const annotations = deployment(app).spec.template.metadata.annotations ?? {};
      const scrape = {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(containerPort),
        'prometheus.io/path': '/metrics',
      };
      if (metrics.podAnnotations) expect(annotations).toMatchObject(scrape);
      else expect(Object.keys(annotations)).not.toContain('prometheus.io/scrape');

      if (metrics.serviceMonitor.enabled) {
        const monitor = named(objects, 'ServiceMonitor', `shop-${app}`);
        expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels!)).toBe(true);
        expect(monitor.metadata.labels).toMatchObject(metrics.serviceMonitor.labels);
        expect(monitor.spec.endpoints).toEqual([
          { port: servicePort.name, path: '/metrics', interval: metrics.serviceMonitor.interval },
        ]);
      }
    }
  });

  it('trusts X-Forwarded-For from the ingress controller whenever there is an Ingress', () => {
    // Otherwise every client arrives from the controller's address and shares its rate-limit bucket.
    const trusted = envOf(containersOf(deployment('gateway'))[0]).TRUSTED_PROXIES?.value;
    if (ofKind(objects, 'Ingress').length === 0) return;
    expect(trusted).toBeDefined();
    // The gateway's own config parser accepts it (it refuses to start on a malformed entry).
    expect(loadGatewayConfig({ TRUSTED_PROXIES: trusted }).trustedProxies).toEqual(trusted!.split(','));
  });

  it("points the gateway and orders at the apps' Services", () => {
    const gatewayEnv = envOf(containersOf(deployment('gateway'))[0]);
    for (const app of TCP_APPS) {
      const port = named(objects, 'Service', `shop-${app}`).spec.ports[0].port;
      expect(gatewayEnv[`${app.toUpperCase()}_SERVICE_URL`].value).toBe(`tcp://shop-${app}:${port}`);
    }
    expect(envOf(containersOf(deployment('orders'))[0]).AUTH_SERVICE_URL.value).toBe('tcp://shop-auth:4001');
    expect(envOf(containersOf(deployment('orders'))[0]).CATALOG_SERVICE_URL.value).toBe('tcp://shop-catalog:4002');
  });

  it('reads every secret from a Secret, each app only its own', () => {
    const secretKeys = (app: string) =>
      (containersOf(deployment(app))[0].env ?? [])
        .filter((entry) => entry.valueFrom)
        .map((entry) => entry.name)
        .sort();
    expect(secretKeys('gateway')).toEqual(['JWT_SECRET', 'REDIS_URL']);
    expect(secretKeys('auth')).toEqual([
      'ADMIN_EMAIL',
      'ADMIN_PASSWORD',
      'AUTH_DATABASE_URL',
      'JWT_SECRET',
      'RABBITMQ_URL',
    ]);
    expect(secretKeys('catalog')).toEqual(['CATALOG_DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL']);
    expect(secretKeys('orders')).toEqual([
      'ORDERS_DATABASE_URL',
      'RABBITMQ_URL',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
    ]);
    expect(secretKeys('notifications')).toEqual([
      'NOTIFICATIONS_DATABASE_URL',
      'RABBITMQ_URL',
      'SMTP_URL',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_FROM',
    ]);
  });

  it('migrates every app database in a pre-install/pre-upgrade hook Job', () => {
    const [job, ...others] = ofKind(objects, 'Job');
    expect(others).toEqual([]);
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.metadata.annotations?.['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const containers = containersOf(job);
    expect(containers.map((container) => container.name)).toEqual(TCP_APPS);
    for (const container of containers) {
      const app = container.name;
      expect(container.command).toEqual(['node', 'migrate.cjs']);
      expect(container.image).toBe(containersOf(deployment(app))[0].image);
      const env = envOf(container);
      expect(env.APP.value).toBe(app);
      const url = env[`${app.toUpperCase()}_DATABASE_URL`].valueFrom?.secretKeyRef;
      expect(url?.key).toBe(`${app.toUpperCase()}_DATABASE_URL`);
      // A pre-install hook runs before the release's Secret exists: it must read one that does.
      const hookSecret = ofKind(objects, 'Secret').find((secret) => secret.metadata.name === url?.name);
      if (hookSecret) expect(hookSecret.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      else expect(values).toBe('production-values.yaml'); // its existingSecret is managed outside the chart
    }
  });
});

describe('the production-like values', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render('production-values.yaml');
  });

  it('use the existing Secret and an Ingress with TLS for the gateway', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const [ingress] = ofKind(objects, 'Ingress');
    expect(ingress.spec.tls).toEqual([{ secretName: 'shop-tls', hosts: ['shop.example.com'] }]);
    for (const path of ingress.spec.rules[0].http.paths) {
      expect(path.backend.service).toEqual({ name: 'shop-gateway', port: { name: 'http' } });
    }
  });

  it('set TRUSTED_PROXIES on the gateway, since they enable the Ingress', () => {
    const [gateway] = containersOf(named(objects, 'Deployment', 'shop-gateway'));
    expect(envOf(gateway).TRUSTED_PROXIES?.value).toMatch(/^[\d.]+\/\d+$/);
  });
});

/** Starts the real gateway (no apps behind it: what is checked needs none) and stops it after the suite. */
function gatewayForSuite(): { url: () => string } {
  let gateway: (AppProcess & { port: number }) | undefined;
  let url = '';
  beforeAll(async () => {
    // A port nobody listens on: the apps behind it are not needed, only addresses for them.
    const nobody = await closedPort();
    gateway = await startAppProcess('gateway', {
      NODE_ENV: 'test',
      // Its "Listening on" line (info) tells the port it bound.
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...Object.fromEntries(TCP_APPS.map((app) => [`${app.toUpperCase()}_SERVICE_URL`, `tcp://127.0.0.1:${nobody}`])),
    });
    url = `http://127.0.0.1:${gateway.port}`;
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
  });
  return { url: () => url };
}

describe('the Ingress', () => {
  const gateway = gatewayForSuite();
  let paths: IngressPath[];
  beforeAll(async () => {
    const [ingress] = ofKind(await render('production-values.yaml'), 'Ingress');
    paths = ingress.spec.rules.flatMap((rule: { http: { paths: IngressPath[] } }) => rule.http.paths);
  });

  it('is matched the way Kubernetes matches paths', () => {
    const sample = [
      { path: '/docs', pathType: 'Prefix' },
      { path: '/docs-json', pathType: 'Exact' },
    ];
    expect(['/docs', '/docs/', '/docs/a.js', '/docs-json'].filter((url) => admits(sample, url))).toHaveLength(4);
    expect(['/docsx', '/docs-json/x', '/', '/metrics'].some((url) => admits(sample, url))).toBe(false);
  });

  it('routes the API and nothing else the gateway documents: /metrics and /health/* stay in the cluster', async () => {
    for (const path of paths) expect(['Exact', 'Prefix']).toContain(path.pathType);
    const response = await fetch(`${gateway.url()}/docs-json`);
    expect(response.status).toBe(200);
    const documented = Object.keys(((await response.json()) as { paths: object }).paths);
    const internal = documented.filter((path) => !admits(paths, path));
    expect(internal.sort()).toEqual(documented.filter((path) => !path.startsWith(`/${API_PREFIX}/`)).sort());
    expect(internal).toEqual(expect.arrayContaining(['/metrics', '/health/live', '/health/ready']));
  });

  it('routes Swagger UI, every asset its page loads, and the OpenAPI document', async () => {
    const page = await fetch(`${gateway.url()}/docs`);
    expect(page.status).toBe(200);
    const assets = [...(await page.text()).matchAll(/(?:href|src)="([^"]+)"/g)].map(
      ([, ref]) => new URL(ref, `${gateway.url()}/docs`).pathname,
    );
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js']));
    for (const url of ['/docs', '/docs-json', ...assets]) {
      expect({ url, admitted: admits(paths, url) }).toEqual({ url, admitted: true });
      expect({ url, status: (await fetch(`${gateway.url()}${url}`)).status }).toEqual({ url, status: 200 });
    }
  });
});

/** The metric names a PromQL expression reads, and the labels it groups or filters by. */
function promqlNames(expr: string): { metrics: string[]; labels: string[] } {
  const labels = [
    ...[...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap(([, list]) => list.split(',')),
    ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap(([, matchers]) =>
      [...matchers.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map(([, label]) => label),
    ),
  ].map((label) => label.trim());
  // What is left once groupings, matchers, ranges and strings are gone: functions (followed by
  // "("), operators, numbers and the metric names.
  const bare = expr.replace(/\b(?:by|without)\s*\([^)]*\)/g, ' ').replace(/\{[^}]*\}|\[[^\]]*\]|"[^"]*"/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
  const metrics = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)]
    .map(([, name]) => name)
    .filter((name) => !keywords.has(name));
  return { metrics, labels };
}

/**
 * Every series a process serves: the shared registry (the gateway and the apps use the same one),
 * a histogram as its _bucket, _sum and _count series, each with the labels it is recorded with.
 */
async function exportedSeries(): Promise<Map<string, string[]>> {
  const series = new Map<string, string[]>();
  for (const { name, type } of await metricsRegistry.getMetricsAsJSON()) {
    const labelNames = [...((metricsRegistry.getSingleMetric(name) as { labelNames?: string[] }).labelNames ?? [])];
    const suffixes = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] }[String(type)] ?? [
      '',
    ];
    for (const suffix of suffixes) series.set(name + suffix, suffix === '_bucket' ? [...labelNames, 'le'] : labelNames);
  }
  return series;
}

/** Labels Prometheus adds to every series it scrapes. */
const TARGET_LABELS = ['instance', 'job', 'pod', 'namespace', 'service'];

describe('the Grafana dashboard', () => {
  let series: Map<string, string[]>;
  beforeAll(async () => {
    series = await exportedSeries();
  });

  it('is shipped only when enabled, as the dashboard file, labelled for Grafana', async () => {
    expect(ofKind(await render('default-values.yaml'), 'ConfigMap')).toEqual([]);
    const objects = await render('default-values.yaml', '--set', 'grafanaDashboard.enabled=true');
    const configMap = named(objects, 'ConfigMap', 'shop-grafana-dashboard');
    expect(configMap.metadata.labels).toMatchObject(valuesOf('default-values.yaml').grafanaDashboard.labels);
    const shipped = JSON.parse(configMap.data!['shop.json']);
    expect(shipped).toEqual(JSON.parse(readFileSync(join(chart, 'dashboards/shop.json'), 'utf8')));
    expect(shipped.panels.length).toBeGreaterThan(0);
  });

  it('queries only series the code exports, by labels they carry', () => {
    const dashboard = JSON.parse(readFileSync(join(chart, 'dashboards/shop.json'), 'utf8'));
    type Panel = { panels?: Panel[]; targets?: { expr: string }[] };
    // Rows hold their panels (collapsed ones inside, as Grafana saves them).
    const queriesOf = (panels: Panel[] = []): string[] =>
      panels.flatMap((panel) => [...(panel.targets ?? []).map((target) => target.expr), ...queriesOf(panel.panels)]);
    const queries = queriesOf(dashboard.panels);
    expect(queries.length).toBeGreaterThan(10);
    const targetLabels = TARGET_LABELS;
    for (const expr of queries) {
      const { metrics, labels } = promqlNames(expr);
      expect({ expr, metrics: metrics.length }).toEqual({ expr, metrics: expect.any(Number) });
      expect({ expr, unknown: metrics.filter((name) => !series.has(name)) }).toEqual({ expr, unknown: [] });
      const known = [...targetLabels, ...metrics.flatMap((name) => series.get(name) ?? [])];
      expect({ expr, unknown: labels.filter((label) => !known.includes(label)) }).toEqual({ expr, unknown: [] });
    }
  });

  it('is checked by a parser that finds a misspelt metric and label', () => {
    const { metrics, labels } = promqlNames(
      'histogram_quantile(0.95, sum by (le, rout) (rate(http_request_duration_second_bucket{status=~"5.."}[5m])))',
    );
    expect(metrics).toEqual(['http_request_duration_second_bucket']);
    expect(labels).toEqual(['le', 'rout', 'status']);
    expect(series.has('http_request_duration_second_bucket')).toBe(false);
    expect(series.get('http_request_duration_seconds_bucket')).toEqual(['method', 'route', 'status', 'le']);
  });
});

describe('the PrometheusRule', () => {
  /** Series the rules read that other programs export, with their labels. */
  const EXTERNAL: Record<string, string[]> = {
    // kube-state-metrics, part of kube-prometheus-stack.
    kube_deployment_status_replicas_unavailable: ['namespace', 'deployment'],
  };
  type Rule = { alert: string; expr: string; for: string; labels: { severity: string } };
  let rules: Rule[];
  let series: Map<string, string[]>;
  beforeAll(async () => {
    series = await exportedSeries();
    const [rule, ...others] = ofKind(await render('production-values.yaml'), 'PrometheusRule');
    expect(others).toEqual([]);
    expect(rule.metadata.labels).toMatchObject(valuesOf('production-values.yaml').metrics.prometheusRule.labels);
    rules = rule.spec.groups.flatMap((group: { rules: Rule[] }) => group.rules);
  });

  it('is rendered only when enabled', async () => {
    expect(ofKind(await render('default-values.yaml'), 'PrometheusRule')).toEqual([]);
  });

  it('alerts on the error rate, p99 latency, outbox lag and readiness, each for a while', () => {
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      'ShopHighErrorRate',
      'ShopNotReady',
      'ShopOutboxLagging',
      'ShopSlowRequests',
    ]);
    for (const rule of rules) {
      expect(rule.for).toMatch(/^\d+m$/);
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      // Scoped to the release's namespace: two installs never alert on each other.
      expect(rule.expr).toContain('namespace="default"');
    }
    const { prometheusRule } = valuesOf('production-values.yaml').metrics;
    const expr = (alert: string) => rules.find((rule) => rule.alert === alert)!.expr;
    expect(expr('ShopHighErrorRate')).toMatch(new RegExp(`> ${prometheusRule.errorRate}\\s*$`));
    expect(expr('ShopSlowRequests')).toMatch(/histogram_quantile\(0\.99,/);
  });

  it('queries only series the code exports, or the ones named as external, by labels they carry', () => {
    for (const { expr } of rules) {
      const { metrics, labels } = promqlNames(expr);
      expect({ expr, metrics: metrics.length }).toEqual({ expr, metrics: expect.any(Number) });
      const known = (name: string) => series.get(name) ?? EXTERNAL[name];
      expect({ expr, unknown: metrics.filter((name) => !known(name)) }).toEqual({ expr, unknown: [] });
      const carried = [...TARGET_LABELS, ...metrics.flatMap((name) => known(name) ?? [])];
      expect({ expr, unknown: labels.filter((label) => !carried.includes(label)) }).toEqual({ expr, unknown: [] });
    }
    // The outbox relay's own gauge, per app by the scrape's labels.
    expect(series.has('shop_outbox_oldest_unsent_age_seconds')).toBe(true);
  });
});

describe('chart conventions', () => {
  const pods = (objects: K8sObject[]) => ofKind(objects, 'Deployment').map((d) => d.spec.template.spec);

  it('names images by registry, repository and tag, or pins them by digest', async () => {
    const image = (objects: K8sObject[], app: string) =>
      containersOf(named(objects, 'Deployment', `shop-${app}`))[0].image;
    const defaults = await render('default-values.yaml');
    for (const app of APPS) expect(image(defaults, app)).toBe(`ghcr.io/your-org/shop-${app}:0.1.0`);
    const production = await render('production-values.yaml');
    const { digest } = valuesOf('production-values.yaml').apps.gateway.image;
    expect(image(production, 'gateway')).toBe(`registry.example.com/shop-gateway@${digest}`);
    expect(image(production, 'auth')).toBe('registry.example.com/shop-auth:1.4.2');
    const own = await render(
      'default-values.yaml',
      '--set',
      'image.registry=,apps.auth.image.repository=acme/auth,apps.auth.image.tag=v2',
    );
    expect(image(own, 'auth')).toBe('acme/auth:v2');
    expect(image(own, 'catalog')).toBe('your-org/shop-catalog:0.1.0');
    await expect(render('default-values.yaml', '--set', 'apps.auth.image.digest=latest')).rejects.toMatchObject({
      stderr: expect.stringMatching(/digest/),
    });
  });

  it('runs every pod under a ServiceAccount of its own whose token is never mounted', async () => {
    for (const values of ['default-values.yaml', 'production-values.yaml']) {
      const objects = await render(values);
      const [account, ...others] = ofKind(objects, 'ServiceAccount');
      expect(others).toEqual([]);
      expect((account as K8sObject & { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(
        false,
      );
      expect(account.metadata.annotations ?? {}).toEqual(valuesOf(values).serviceAccount.annotations);
      for (const pod of pods(objects)) expect(pod.serviceAccountName).toBe(account.metadata.name);
    }
    const none = await render('default-values.yaml', '--set', 'serviceAccount.create=false');
    expect(ofKind(none, 'ServiceAccount')).toEqual([]);
    for (const pod of pods(none)) expect(pod.serviceAccountName).toBe('default');
  });

  it('takes affinity, tolerations, extra env and volumes, probe timing and security contexts from the values', async () => {
    const values = valuesOf('production-values.yaml');
    const objects = await render(
      'production-values.yaml',
      '--set',
      'securityContext.runAsUser=2000,podSecurityContext.fsGroup=3000,probes.readiness.periodSeconds=7',
    );
    for (const deployment of ofKind(objects, 'Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(pod.affinity).toEqual(values.affinity);
      expect(pod.tolerations).toEqual(values.tolerations);
      expect(pod.volumes).toEqual(expect.arrayContaining(values.extraVolumes));
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 3000 });
      const [container] = containersOf(deployment);
      expect(container.env).toEqual(expect.arrayContaining(values.extraEnv));
      expect(container.volumeMounts).toEqual(expect.arrayContaining(values.extraVolumeMounts));
      expect(container.securityContext).toMatchObject({ runAsUser: 2000, readOnlyRootFilesystem: true });
      expect(container.readinessProbe).toMatchObject({ periodSeconds: 7, failureThreshold: 2 });
      expect(container.startupProbe).toMatchObject(values.probes.startup);
    }
    // What a probe asks stays the chart's: the values set only its timing.
    await expect(render('default-values.yaml', '--set', 'probes.liveness.httpGet.path=/nowhere')).rejects.toMatchObject(
      { stderr: expect.stringMatching(/probes/) },
    );
  });
});

describe('helm test', () => {
  const gateway = gatewayForSuite();
  let pod: K8sObject & { spec: { containers: Container[] } };
  beforeAll(async () => {
    pod = named(await render('default-values.yaml'), 'Pod', 'shop-test-ready') as typeof pod;
  });

  it('is a test hook pod running the gateway image, as locked down as the apps', async () => {
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const [container] = pod.spec.containers;
    const deployments = await render('default-values.yaml');
    expect(container.image).toBe(containersOf(named(deployments, 'Deployment', 'shop-gateway'))[0].image);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(ofKind(await render('default-values.yaml', '--set', 'tests.enabled=false'), 'Pod')).toEqual([]);
  });

  /** Runs the pod's command with node here, against `origin` in place of the gateway's Service. */
  async function runTest(origin: string) {
    const [node, flag, script] = pod.spec.containers[0].command!;
    expect([node, flag]).toEqual(['node', '-e']);
    expect(script).toContain("'http://shop-gateway:3000/health/ready'");
    const local = script.replace('http://shop-gateway:3000', origin);
    return run(process.execPath, [flag, local]).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (failed: { code: number; stdout: string; stderr: string }) => ({
        code: failed.code,
        output: failed.stdout + failed.stderr,
      }),
    );
  }

  it('fails while the gateway is not ready: its apps are not there', async () => {
    const result = await runTest(gateway.url());
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/\/health\/ready 503 .*"status":"unavailable"/);
  });

  it('passes when /health/ready answers 200, and fails when nothing answers', async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/health/ready' ? 200 : 404).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await runTest(`http://127.0.0.1:${port}`)).toMatchObject({ code: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await runTest(`http://127.0.0.1:${port}`)).toMatchObject({ code: 1 });
  });
});

describe("the chart's README", () => {
  const helmDocs = join(root, '.tools/bin/helm-docs');

  it('finds helm-docs at .tools/bin/helm-docs (.ci/run builds it)', () => {
    expect(existsSync(helmDocs)).toBe(true);
  });

  it('is what helm-docs generates from values.yaml and README.md.gotmpl (else: .tools/bin/helm-docs --chart-search-root helm)', async () => {
    const { stdout } = await run(helmDocs, [
      '--chart-search-root',
      join(root, 'helm'),
      '--dry-run',
      '--log-level',
      'warning',
    ]);
    expect(stdout.trim()).toBe(readFileSync(join(chart, 'README.md'), 'utf8').trim());
    expect(stdout).toContain('| image.registry | string | `"ghcr.io"` |');
  });
});
