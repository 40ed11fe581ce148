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

const schema = z
  .object({
    ...microserviceEnv(4004),
    AUTH_SERVICE_URL: tcpUrl(4001),
    RPC_TIMEOUT_MS: positiveInt(5000),
    /** Outside production, the mail catcher `npm start` runs. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'must look like smtp://user:password@host:587 or smtps://…')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Shop <shop@localhost>'),
    SHOP_NAME: z.string().min(1).default('Shop'),
    /**
     * The shop's public address: password-reset and verification links point to its
     * `/reset-password` and `/verify-email` pages. Outside production, the local gateway.
     */
    ACCOUNT_LINK_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    /** Formats amounts and dates in messages. */
    LOCALE: z.string().default('en-US'),
    TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
    TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
    /** The sending number (E.164) or messaging service. */
    TWILIO_FROM: z.string().min(1).optional(),
    /** Another base for Twilio's REST API (a local stand-in in tests); unset: Twilio's own. */
    TWILIO_API_URL: z.url().optional(),
    NOTIFY_POLL_MS: positiveInt(250),
    NOTIFY_MAX_ATTEMPTS: positiveInt(5),
    NOTIFY_RETRY_BASE_MS: positiveInt(2000),
  })
  .superRefine((env, ctx) => {
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM].filter((v) => v !== undefined);
    if (twilio.length !== 0 && twilio.length !== 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_FROM'],
        message: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together',
      });
    }
    for (const name of ['SMTP_URL', 'ACCOUNT_LINK_BASE_URL'] as const) {
      if (env.NODE_ENV === 'production' && env[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' });
      }
    }
  });

export function loadNotificationsConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, withDatabaseUrl('notifications', env));
  return {
    ...microserviceSettings('notifications', values),
    events: loadEventsConfig('notifications', env),
    auth: { address: values.AUTH_SERVICE_URL, timeoutMs: values.RPC_TIMEOUT_MS },
    shop: {
      name: values.SHOP_NAME,
      locale: values.LOCALE,
      linkBaseUrl: (values.ACCOUNT_LINK_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    },
    mail: { url: values.SMTP_URL ?? 'smtp://127.0.0.1:1025', from: values.MAIL_FROM },
    /** Without it, text messages are written to the log (development). */
    twilio:
      values.TWILIO_ACCOUNT_SID && values.TWILIO_AUTH_TOKEN && values.TWILIO_FROM
        ? {
            accountSid: values.TWILIO_ACCOUNT_SID,
            authToken: values.TWILIO_AUTH_TOKEN,
            from: values.TWILIO_FROM,
            apiUrl: values.TWILIO_API_URL,
          }
        : undefined,
    delivery: {
      pollMs: values.NOTIFY_POLL_MS,
      maxAttempts: values.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: values.NOTIFY_RETRY_BASE_MS,
    },
  };
}

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;
export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');
