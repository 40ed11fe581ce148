import type { AuthenticatedUser } from '@shop/auth-guard';
import type { OrderDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { metricsRegistry } from '@shop/service-defaults';
import { Counter } from 'prom-client';
import { KeptAnswers } from '../read-cache/kept-answers';

/** Orders kept; past it the oldest kept go first. */
const MAX_ORDERS = 20_000;

const reads = new Counter({
  name: 'shop_gateway_order_cache_reads_total',
  help: 'Order reads at the gateway: hit (no hop), miss (fetched, then kept unless a write overtook it)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** An order as the orders app answered it, with its JSON, made once for every read it answers. */
export interface OrderAnswer {
  readonly order: OrderDto;
  readonly json: string;
}

interface KeptOrder extends OrderAnswer {
  /** Local clock when the fetch was asked: the answer shows the order as it was then or later. */
  readonly askedAt: number;
}

/**
 * `GET /orders/:id` answers kept at this gateway replica, with a bound on staleness that needs no
 * word from the orders app: an answer is served again only for `maxStalenessMs` after its fetch
 * was asked. The orders app read the order after that moment, so whatever is served shows the
 * order as it was at most `maxStalenessMs` before the read, on every replica, whatever happens
 * elsewhere (recovery, expiry, webhooks through another replica). Writes through this replica
 * forget what they may have changed ({@link written}), so a client sees its own writes at once.
 *
 * Only answers are kept, never errors, and each per reader (id and role): the orders app decides
 * who may read an order, so anyone else's read is a fetch of its own and gets the app's 404. An
 * order is read by its owner and admins, so it holds a few answers at most.
 */
export class OrderReadCache {
  private readonly orders = new KeptAnswers<Map<string, KeptOrder>>(MAX_ORDERS);

  constructor(
    private readonly maxStalenessMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async read(orderId: string, reader: AuthenticatedUser, fetch: () => Promise<OrderDto>): Promise<OrderAnswer> {
    if (this.maxStalenessMs === 0) return answerOf(await fetch());
    const readerKey = `${reader.role} ${reader.id}`;
    const kept = this.orders.get(orderId)?.get(readerKey);
    if (kept !== undefined && this.now() - kept.askedAt < this.maxStalenessMs) {
      reads.inc({ result: 'hit' });
      return kept;
    }
    reads.inc({ result: 'miss' });
    return this.orders.fetch(
      orderId,
      async (): Promise<KeptOrder> => {
        const askedAt = this.now();
        return { ...answerOf(await fetch()), askedAt };
      },
      (answer) => (this.orders.get(orderId) ?? new Map<string, KeptOrder>()).set(readerKey, answer),
    );
  }

  /**
   * A write of one order through this replica, forgotten once it has an outcome, whatever it is: a
   * refusal may still record something (a declined payment), a timeout may have committed.
   */
  async written<T>(orderId: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.orders.forget(orderId);
    }
  }

  /**
   * A write through this replica to an order it cannot name (a payment provider's report): every
   * order is forgotten, unless the orders app refused it (a bad signature), which changed nothing
   * and must not let anyone empty the cache at will.
   */
  async writtenToAny<T>(write: Promise<T>): Promise<T> {
    try {
      const answer = await write;
      this.orders.clear();
      return answer;
    } catch (error) {
      if (!(error instanceof AppError && error.status < 500)) this.orders.clear();
      throw error;
    }
  }
}

function answerOf(order: OrderDto): OrderAnswer {
  return { order, json: JSON.stringify(order) };
}
