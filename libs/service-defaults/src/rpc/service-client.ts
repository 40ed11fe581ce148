import { Logger } from '@nestjs/common';
import { ErrorCode, healthCheck, type OperationSpec, type RpcRequest, type ServiceHealth } from '@shop/contracts';
import { AppError, isErrorPayload } from '@shop/problem-details';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TimeoutError } from 'rxjs';
import { currentRequestId } from '../logging/request-context';
import { rpcClientDuration } from '../metrics/metrics';
import { inSpan, SpanKind, traceCarrier } from '../metrics/tracing';
import { addressKey, type ServiceAddress, ServiceEndpoint } from './service-endpoint';

/** The connection was refused: the message never left, so any call may go to another instance. */
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** The connection dropped: the instance may have acted on the message, so only idempotent calls are retried. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

type Failure = 'refused' | 'dropped' | 'timeout' | 'unknown';

function classify(error: unknown): Failure {
  if (error instanceof TimeoutError) return 'timeout';
  const code = (error as { code?: string } | null)?.code;
  if (code && REFUSED.has(code)) return 'refused';
  if ((code && DROPPED.has(code)) || (error instanceof Error && error.message === 'Connection closed'))
    return 'dropped';
  return 'unknown';
}

/** The metric's outcome label for a failed call. */
function outcomeOf(error: unknown): string {
  if (!(error instanceof AppError)) return 'error';
  if (error.status === 503) return 'unavailable';
  if (error.status === 504) return 'timeout';
  // The app answered with a refusal (404, 409, …): the call itself worked.
  return error.status < 500 ? 'refused' : 'error';
}

/** Every address a host name resolves to. */
export type HostLookup = (host: string) => Promise<string[]>;

/**
 * IPv4 and IPv6 alike: in an IPv6-only cluster a headless Service has AAAA records only, and
 * asking for IPv4 alone would find no instance at all.
 */
const lookupAll: HostLookup = async (host) => (await lookup(host, { all: true })).map(({ address }) => address);

export interface ServiceClientOptions {
  timeoutMs: number;
  /**
   * Times every call by service, pattern and outcome (`rpc_client_duration_seconds`) and traces
   * it as a client span.
   */
  measured?: boolean;
  /** How often host names are looked up again (a headless Service's pods come and go). */
  resolveIntervalMs?: number;
  /** How often every instance is asked whether it is ready; 0 turns probing off. */
  probeIntervalMs?: number;
  /** Resolves host names (default: the system resolver, both address families). */
  lookup?: HostLookup;
}

const PROBE_TIMEOUT_MS = 1_000;

/**
 * An app, over TCP, wherever its instances are. Calls are spread round-robin over the instances
 * in rotation; one that fails, or does not answer its readiness probe, is out until a probe finds
 * it ready again. A call whose connection was refused goes to the next instance; one whose
 * connection dropped, or that is slow to answer, is tried on another instance as well only if its
 * operation is declared retry-safe in its contract. Every call carries the request id and has one deadline, however many
 * instances it tries; failures come back as {@link AppError}s: the app's own status, 503 when no
 * instance answers, 504 on timeout. Each failed try is logged with the instance it failed on.
 */
export class ServiceClient {
  private endpoints: ServiceEndpoint[] = [];
  private cursor = 0;
  private resolved: Promise<void>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly probing = new Set<ServiceEndpoint>();
  private readonly logger: Logger;
  private readonly lookup: HostLookup;
  private readonly probed: boolean;
  /** A lookup round still running (a slow resolver): the next tick skips rather than overlap it. */
  private resolving = false;
  /** Per host-name target: the addresses of its last successful lookup, kept while it fails. */
  private readonly lastFound = new Map<string, ServiceAddress[]>();
  /** Per host-name target: what is wrong with its lookup, so each change is logged once. */
  private readonly lookupProblems = new Map<string, string>();

  constructor(
    readonly name: string,
    private readonly targets: ServiceAddress[],
    private readonly options: ServiceClientOptions,
  ) {
    this.logger = new Logger(`ServiceClient:${name}`);
    this.lookup = options.lookup ?? lookupAll;
    const probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.probed = probeIntervalMs > 0;
    this.resolved = this.resolve();
    if (targets.some((target) => !isIP(target.host))) {
      this.timers.push(setInterval(() => void this.resolve(), options.resolveIntervalMs ?? 5_000).unref());
    }
    if (this.probed) this.timers.push(setInterval(() => this.probe(), probeIntervalMs).unref());
  }

  static tcp(
    name: string,
    targets: ServiceAddress | ServiceAddress[],
    options: number | ServiceClientOptions,
  ): ServiceClient {
    return new ServiceClient(
      name,
      Array.isArray(targets) ? targets : [targets],
      typeof options === 'number' ? { timeoutMs: options } : options,
    );
  }

  /** The instances currently known, in rotation or not. */
  get instances(): string[] {
    return this.endpoints.map((endpoint) => endpoint.key);
  }

  /** Sends one operation of the app's contract; the typed client ({@link ApiClient}) is how apps call this. */
  call<TRequest, TResponse>(
    operation: OperationSpec<TRequest, TResponse>,
    request: TRequest,
    timeoutMs = this.options.timeoutMs,
  ): Promise<TResponse> {
    if (!this.options.measured) return this.deliver(operation, request, timeoutMs);
    const { pattern } = operation;
    const stop = rpcClientDuration.startTimer({ service: this.name, pattern });
    return inSpan(
      `rpc ${this.name} ${pattern}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'nestjs-tcp', 'rpc.service': this.name, 'rpc.method': pattern },
      },
      () => this.deliver(operation, request, timeoutMs),
    ).then(
      (result) => {
        stop({ outcome: 'ok' });
        return result;
      },
      (error: unknown) => {
        stop({ outcome: outcomeOf(error) });
        throw error;
      },
    );
  }

  private async deliver<TRequest, TResponse>(
    { pattern, retrySafe: idempotent }: OperationSpec<TRequest, TResponse>,
    data: TRequest,
    timeoutMs: number,
  ): Promise<TResponse> {
    await this.resolved;
    const message: RpcRequest<TRequest> = {
      meta: { requestId: currentRequestId() ?? 'internal', ...traceCarrier() },
      data,
    };
    const deadline = Date.now() + timeoutMs;
    const tried = new Set<ServiceEndpoint>();
    return new Promise<TResponse>((resolve, reject) => {
      let pending = 0;
      let settled = false;
      let failed: Failure = 'refused';
      let hedge: NodeJS.Timeout | undefined;
      const settle = (error: unknown, result?: TResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(hedge);
        if (error) reject(error);
        else resolve(result as TResponse);
      };
      const attempt = (): void => {
        const endpoint = settled ? undefined : this.pick(tried);
        const remaining = deadline - Date.now();
        if (!endpoint || remaining <= 0) {
          if (pending === 0) settle(this.toAppError(failed));
          return;
        }
        tried.add(endpoint);
        pending += 1;
        // An instance that is frozen or swamped holds a call until the deadline without a word.
        // An idempotent call still unanswered halfway through its remaining time also goes to
        // the next instance, and the first answer wins: never past the caller's deadline, and
        // a call that is merely slow keeps its chance on the first instance.
        clearTimeout(hedge);
        if (idempotent) hedge = setTimeout(attempt, remaining / 2);
        endpoint.send<TResponse>(pattern, message, remaining).then(
          (result) => {
            endpoint.putBack();
            settle(null, result);
          },
          (error: unknown) => {
            pending -= 1;
            if (isErrorPayload(error)) {
              endpoint.answered();
              return settle(AppError.fromPayload(error));
            }
            const failure = classify(error);
            endpoint.takeOut();
            // A timeout anywhere is what the caller hears about (504), even if another try was refused.
            if (failed !== 'timeout') failed = failure;
            const retry = failure === 'refused' || (idempotent && (failure === 'dropped' || failure === 'timeout'));
            this.logger.warn(
              `${pattern} ${failure} on ${endpoint.key}${retry && !settled ? '; trying another instance' : ''}`,
            );
            if (retry) attempt();
            if (pending === 0) settle(this.toAppError(failed));
          },
        );
      };
      attempt();
    });
  }

  close(): void {
    this.timers.forEach(clearInterval);
    for (const endpoint of this.endpoints) endpoint.close();
  }

  /**
   * The next instance in rotation not yet tried; failing that, any not yet tried that has not said
   * it is not ready (it may be back); failing that, any not yet tried.
   */
  private pick(tried: Set<ServiceEndpoint>): ServiceEndpoint | undefined {
    const candidates = this.endpoints.filter((endpoint) => !tried.has(endpoint));
    const inRotation = candidates.filter((endpoint) => endpoint.inRotation);
    const willing = candidates.filter((endpoint) => !endpoint.notReady);
    const pool = inRotation.length ? inRotation : willing.length ? willing : candidates;
    if (!pool.length) return undefined;
    this.cursor = (this.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return pool[this.cursor % pool.length];
  }

  /**
   * Asks every instance whether it is ready: one that is draining (shutting down), has lost its
   * database or does not answer leaves the rotation before a caller's request finds out; one
   * that recovered comes back without waiting for its pause to end.
   */
  private probe(): void {
    for (const endpoint of this.endpoints) {
      if (this.probing.has(endpoint)) continue;
      this.probing.add(endpoint);
      endpoint
        .send<ServiceHealth>(healthCheck.pattern, { meta: { requestId: 'health-probe' }, data: {} }, PROBE_TIMEOUT_MS)
        .then(
          (health) => endpoint.reported(health.status === 'up'),
          () => endpoint.takeOut(),
        )
        .finally(() => this.probing.delete(endpoint));
    }
  }

  /** Re-resolves host names; instances that appeared join, those that vanished are closed. */
  private async resolve(): Promise<void> {
    if (this.resolving) return;
    this.resolving = true;
    let addresses: ServiceAddress[];
    try {
      addresses = (await Promise.all(this.targets.map((target) => this.addressesOf(target)))).flat();
    } finally {
      this.resolving = false;
    }
    const known = new Map(this.endpoints.map((endpoint) => [endpoint.key, endpoint]));
    const next = new Map<string, ServiceEndpoint>();
    for (const address of addresses) {
      const key = addressKey(address);
      if (!next.has(key)) next.set(key, known.get(key) ?? new ServiceEndpoint(address, this.probed));
    }
    const left = this.endpoints.filter((endpoint) => !next.has(endpoint.key));
    const joined = [...next.keys()].filter((key) => !known.has(key));
    for (const endpoint of left) endpoint.close();
    // After the first lookup, a change of instances is worth a line: it is what an operator
    // scaling a Deployment or losing a node wants to see.
    if (known.size && (left.length || joined.length)) {
      this.logger.log(
        `Instances now ${[...next.keys()].join(', ') || 'none'} (joined: ${joined.length}, left: ${left.length})`,
      );
    }
    this.endpoints = [...next.values()];
  }

  /**
   * A target's addresses: an IP as it is, a host name looked up. While a name resolves to
   * nothing or its lookup fails, the addresses it had stand (their probes take out any that are
   * really gone) rather than every instance being dropped over a DNS hiccup.
   */
  private async addressesOf(target: ServiceAddress): Promise<ServiceAddress[]> {
    if (isIP(target.host)) return [target];
    const name = addressKey(target);
    let found: ServiceAddress[] = [];
    let problem: string | undefined;
    try {
      found = (await this.lookup(target.host)).map((host) => ({ host, port: target.port }));
      if (!found.length) problem = 'resolves to no address';
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      problem = `cannot be resolved (${code ?? message})`;
    }
    this.reportLookup(name, problem);
    if (problem) return this.lastFound.get(name) ?? [];
    this.lastFound.set(name, found);
    return found;
  }

  /** Logs a lookup problem when it starts or changes, and its end; not on every tick. */
  private reportLookup(name: string, problem: string | undefined): void {
    const previous = this.lookupProblems.get(name);
    if (problem === previous) return;
    if (problem) {
      this.lookupProblems.set(name, problem);
      const kept = this.lastFound.get(name)?.length ?? 0;
      this.logger.warn(`${name} ${problem}; ${kept ? `keeping the ${kept} instance(s) it had` : 'no instance known'}`);
    } else {
      this.lookupProblems.delete(name);
      this.logger.log(`${name} resolves again`);
    }
  }

  private toAppError(failure: Failure): AppError {
    if (failure === 'timeout') {
      return new AppError(504, ErrorCode.UpstreamTimeout, `The ${this.name} service did not answer in time`);
    }
    if (failure === 'unknown') return new AppError(502, ErrorCode.UpstreamError, `The ${this.name} service failed`);
    return new AppError(503, ErrorCode.ServiceUnavailable, `The ${this.name} service is unavailable`);
  }
}
