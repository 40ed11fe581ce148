import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * A worker that polls a table: rounds one at a time, `pollMs()` apart, the next at once when a
 * round says more is waiting (a full batch). A failed round is logged and the worker goes on. On
 * shutdown it lets the round in progress finish, then `afterLastRound` closes what the rounds use,
 * before the database and the broker connection close (their hooks run after this one).
 */
export abstract class PollingWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  protected abstract pollMs(): number;

  /** One round; resolves true when more is waiting. */
  protected abstract round(): Promise<boolean>;

  protected async afterLastRound(): Promise<void> {}

  onApplicationBootstrap(): void {
    this.schedule(this.pollMs());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.afterLastRound();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().then(
        (more) => this.schedule(more ? 0 : this.pollMs()),
        (error: unknown) => {
          this.logger.warn(`Round failed: ${(error as Error).message}`);
          this.schedule(this.pollMs());
        },
      );
    }, delayMs);
  }
}
