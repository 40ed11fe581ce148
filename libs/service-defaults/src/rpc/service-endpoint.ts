import { type ClientTCP, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { isIP } from 'node:net';
import { EmptyError, TimeoutError } from 'rxjs';

export interface ServiceAddress {
  host: string;
  port: number;
}

/** `host:port`, with an IPv6 host in brackets (`[fd00::7]:4001`) so the port stays unambiguous. */
export const addressKey = ({ host, port }: ServiceAddress): string =>
  isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;

/** After a failure an instance sits out this long, doubling per failure in a row, up to the max. */
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 5_000;

/**
 * One instance of an app: its own TCP connection, and whether it is in rotation. An instance
 * that failed is out of rotation. When its client probes it, it stays out until a probe (or a
 * call that still reached it) finds it answering: a frozen instance would otherwise win back
 * real calls each time a pause ran out, and hold every one of them until its deadline. Without
 * probes it sits out a pause, after which real traffic tries it again.
 */
export class ServiceEndpoint {
  readonly key: string;
  private readonly proxy: ClientTCP;
  private failures = 0;
  private outUntil = 0;
  private saidNotReady = false;

  constructor(
    readonly address: ServiceAddress,
    private readonly probed = false,
  ) {
    this.key = addressKey(address);
    this.proxy = ClientProxyFactory.create({ transport: Transport.TCP, options: address }) as ClientTCP;
    // An instance shutting down closes its connections once it has answered what it took. Node
    // refuses a call written after that ("ended by the other party"), which would count as
    // dropped; closing at once makes the next call reconnect, and be refused (and go to another
    // instance) if the instance has stopped listening.
    this.proxy.status.subscribe((status) => {
      if (String(status) === 'connected') this.proxy.on('end', () => this.proxy.close());
    });
  }

  get inRotation(): boolean {
    return !this.saidNotReady && Date.now() >= this.outUntil;
  }

  /**
   * Its own health check said it is not ready (draining, or its database is down). Only a probe
   * finding it ready brings it back: the answers it still gives to calls it took while draining
   * must not, or a busy caller keeps feeding it new work and it never gets to close quietly.
   */
  get notReady(): boolean {
    return this.saidNotReady;
  }

  /** What a health probe heard from it. */
  reported(ready: boolean): void {
    this.saidNotReady = !ready;
    if (ready) this.putBack();
    else this.takeOut();
  }

  /**
   * The first answer, or a {@link TimeoutError} after `timeoutMs` (the call is then dropped).
   * One plain timer rather than rxjs's `timeout` and `firstValueFrom`, whose scheduler and
   * subscriptions were a tenth of what a call cost the gateway.
   */
  send<T>(pattern: string, message: unknown, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        reject(new TimeoutError());
      }, timeoutMs);
      const subscription = this.proxy.send<T>(pattern, message).subscribe({
        next: (answer) => {
          answered = true;
          clearTimeout(timer);
          resolve(answer);
        },
        error: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
        complete: () => {
          clearTimeout(timer);
          // Only a call that ended without an answer needs an error (building one costs a stack trace).
          if (!answered) reject(new EmptyError());
        },
      });
    });
  }

  /** The instance answered with an error of its own: it is alive. */
  answered(): void {
    this.failures = 0;
  }

  /** A health probe found it ready, or a call got its answer. */
  putBack(): void {
    this.failures = 0;
    this.outUntil = 0;
  }

  takeOut(): void {
    this.outUntil = this.probed ? Infinity : Date.now() + Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.failures);
    this.failures += 1;
  }

  close(): void {
    this.proxy.close();
  }
}
