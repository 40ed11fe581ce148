import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { AccountEmailKind, AccountEmailRequest } from '@shop/contracts';
import { metricsRegistry } from '@shop/service-defaults';
import { Counter } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mailer } from '../delivery/mailer';
import { MAILER } from '../delivery/notification-sender';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../notifications.config';
import { type RenderedEmail, TemplateRenderer } from '../templates/template-renderer';

/** The shop's page each link opens (under ACCOUNT_LINK_BASE_URL); it posts the token to the API. */
const LINK_PAGE: Record<AccountEmailKind, string> = {
  'password-reset': 'reset-password',
  'email-verification': 'verify-email',
};

const accountEmailsCounter = new Counter({
  name: 'shop_account_emails_total',
  help: 'Password-reset and verification emails by kind and outcome: sent, retried, failed (given up)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Emails account links (password reset, email verification). Unlike order messages these are
 * never queued in a table: the link is a key to the account, so it lives only in this process's
 * memory while it is sent, and no log line carries it or the address. A failed send is retried
 * with the same backoff as order messages (NOTIFY_MAX_ATTEMPTS, NOTIFY_RETRY_BASE_MS); a restart
 * or running out of attempts loses it, and its owner asks for another link.
 */
@Injectable()
export class AccountEmailSender implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AccountEmailSender');
  private readonly sending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    private readonly renderer: TemplateRenderer,
  ) {}

  /** Renders the message and starts sending it; resolves before it is sent. */
  accept({ kind, to, name, token, expiresAt }: AccountEmailRequest): void {
    const { name: shop, locale, linkBaseUrl } = this.config.shop;
    const link = `${linkBaseUrl}/${LINK_PAGE[kind]}?token=${encodeURIComponent(token)}`;
    const expires = new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(new Date(expiresAt));
    const email = this.renderer.email(`account-${kind}`, { name, link, expires: `${expires} UTC`, shop });
    const sending = this.send(kind, to, email).finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }

  /** Retries stop at shutdown; a send under way is let finish, before the mailer closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.sending);
  }

  private async send(kind: AccountEmailKind, to: string, email: RenderedEmail): Promise<void> {
    const { maxAttempts, retryBaseMs } = this.config.delivery;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.mailer.send(to, email);
        accountEmailsCounter.inc({ kind, outcome: 'sent' });
        this.logger.log({ kind, attempts: attempt }, `Sent the ${kind} email`);
        return;
      } catch (error) {
        const log = { kind, attempts: attempt, error: (error as Error).message };
        if (attempt >= maxAttempts || this.stopping.signal.aborted) {
          accountEmailsCounter.inc({ kind, outcome: 'failed' });
          this.logger.error(log, `Gave up sending the ${kind} email`);
          return;
        }
        const retryInMs = Math.min(retryBaseMs * 2 ** (attempt - 1), 10 * 60_000);
        accountEmailsCounter.inc({ kind, outcome: 'retried' });
        this.logger.warn({ ...log, retryInMs }, `Sending the ${kind} email failed; retrying`);
        const waited = await sleep(retryInMs, true, { signal: this.stopping.signal }).catch(() => false);
        if (!waited) {
          accountEmailsCounter.inc({ kind, outcome: 'failed' });
          this.logger.error(log, `Gave up sending the ${kind} email: shutting down`);
          return;
        }
      }
    }
  }
}
