import {
  loadConfig,
  loadEventsConfig,
  microserviceEnv,
  microserviceSettings,
  positiveInt,
  tcpUrl,
  withDatabaseUrl,
} from '@shop/service-defaults';
import { z } from 'zod';
import { stripeCallBoundMs } from './payments/stripe-payment.provider';

const schema = z
  .object({
    ...microserviceEnv(4003),
    AUTH_SERVICE_URL: tcpUrl(4001),
    CATALOG_SERVICE_URL: tcpUrl(4002),
    RPC_TIMEOUT_MS: positiveInt(5000),
    ORDER_TTL_SECONDS: positiveInt(30 * 60),
    RECOVERY_INTERVAL_MS: positiveInt(15_000),
    STUCK_ORDER_SECONDS: positiveInt(60),
    /**
     * A card authorization held this long on an order not yet shipped is let go: the order is
     * cancelled and the authorization voided. Stripe lets card authorizations lapse after 7 days.
     */
    AUTHORIZATION_TTL_SECONDS: positiveInt(6 * 24 * 60 * 60),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Another Stripe API base, e.g. stripe-mock's http://127.0.0.1:12111 in tests. */
    STRIPE_API_URL: z.url().optional(),
    /** Per attempt of a Stripe call (the SDK retries twice): see stripeCallBoundMs. */
    STRIPE_TIMEOUT_MS: positiveInt(8000),
    /** `test` takes fake card payments; production must ask for it by name. */
    PAYMENT_PROVIDER: z.enum(['stripe', 'test']).optional(),
  })
  .superRefine((env, ctx) => {
    // Stripe confirms some payments only through its webhook, so the key is useless without the secret.
    if ((env.STRIPE_SECRET_KEY === undefined) !== (env.STRIPE_WEBHOOK_SECRET === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_WEBHOOK_SECRET'],
        message: 'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together',
      });
    }
    // Anyone can pay with the test provider's card, so production never falls back to it.
    if (env.PAYMENT_PROVIDER === 'stripe' || (env.NODE_ENV === 'production' && env.PAYMENT_PROVIDER !== 'test')) {
      if (env.STRIPE_SECRET_KEY === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_SECRET_KEY'],
          message:
            'is required for Stripe payments (in production, PAYMENT_PROVIDER=test takes fake payments on purpose)',
        });
      }
    }
    if (usesStripe(env) && env.AUTHORIZATION_TTL_SECONDS >= STRIPE_AUTHORIZATION_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTHORIZATION_TTL_SECONDS'],
        message: `must be under Stripe's ${STRIPE_AUTHORIZATION_SECONDS} s (7 days), or an authorization lapses before it is let go`,
      });
    }
    // Unfinished idempotency claims and payment attempts are judged dead after STUCK_ORDER_SECONDS;
    // a Stripe call still running then could meet its own retry. Half leaves room for the rest of the request.
    const boundMs = stripeCallBoundMs(env.STRIPE_TIMEOUT_MS);
    if (usesStripe(env) && boundMs > (env.STUCK_ORDER_SECONDS * 1000) / 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_TIMEOUT_MS'],
        message: `a Stripe call may take ${boundMs / 1000} s with its retries, more than half of STUCK_ORDER_SECONDS (${env.STUCK_ORDER_SECONDS} s)`,
      });
    }
  });

/** How long Stripe holds an uncaptured card authorization. */
const STRIPE_AUTHORIZATION_SECONDS = 7 * 24 * 60 * 60;

const usesStripe = (env: { PAYMENT_PROVIDER?: string; STRIPE_SECRET_KEY?: string }) =>
  env.PAYMENT_PROVIDER !== 'test' && env.STRIPE_SECRET_KEY !== undefined;

export function loadOrdersConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, withDatabaseUrl('orders', env));
  return {
    ...microserviceSettings('orders', values),
    events: loadEventsConfig('orders', env),
    production: values.NODE_ENV === 'production',
    auth: { address: values.AUTH_SERVICE_URL, timeoutMs: values.RPC_TIMEOUT_MS },
    catalog: { address: values.CATALOG_SERVICE_URL, timeoutMs: values.RPC_TIMEOUT_MS },
    recovery: {
      intervalMs: values.RECOVERY_INTERVAL_MS,
      /** Unpaid orders older than this are cancelled and their stock released. */
      orderTtlSeconds: values.ORDER_TTL_SECONDS,
      /** An order still reserving after this long lost its request (a crash, a dropped call). */
      stuckAfterSeconds: values.STUCK_ORDER_SECONDS,
      /** Paid orders whose authorization is older than this are cancelled and it is voided. */
      authorizationTtlSeconds: values.AUTHORIZATION_TTL_SECONDS,
    },
    /** Without it, payments go to the test provider (in production only when PAYMENT_PROVIDER=test). */
    stripe:
      usesStripe(values) && values.STRIPE_SECRET_KEY && values.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: values.STRIPE_SECRET_KEY,
            webhookSecret: values.STRIPE_WEBHOOK_SECRET,
            apiUrl: values.STRIPE_API_URL,
            timeoutMs: values.STRIPE_TIMEOUT_MS,
          }
        : undefined,
  };
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');
