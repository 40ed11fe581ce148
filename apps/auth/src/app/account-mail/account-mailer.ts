import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { AccountEmailKind } from '@shop/contracts';
import { NotificationsApi } from '@shop/service-defaults';

/** A link the owner of an account must receive by email: the token in it is for them alone. */
export interface AccountMail {
  kind: AccountEmailKind;
  userId: string;
  email: string;
  name: string;
  token: string;
  expiresAt: string;
}

/**
 * Hands account links to the notifications app, which emails them. Only the token's hash is
 * stored (see AccountTokens): the token itself goes from memory to the notifications app's memory
 * to the message, never into a table, an outbox or a log line. Callers hand a link over once the
 * transaction that issued it has committed, and no request waits for it: if notifications cannot
 * be reached the link is lost, which a warn line says (without it), and its owner asks again.
 */
@Injectable()
export class AccountMailer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AccountMailer.name);
  private readonly handing = new Set<Promise<void>>();

  constructor(private readonly notifications: NotificationsApi) {}

  /** Never rejects: the outcome is logged. */
  send({ kind, userId, email, name, token, expiresAt }: AccountMail): Promise<void> {
    const handing = this.notifications
      .sendAccountEmail({ kind, to: email, name, token, expiresAt })
      .then(
        () => this.logger.log({ userId, kind }, `Handed the ${kind} link to notifications`),
        (error: Error) =>
          this.logger.warn(
            { userId, kind, error: error.message },
            `Could not hand the ${kind} link to notifications; its owner can ask for another`,
          ),
      )
      .finally(() => this.handing.delete(handing));
    this.handing.add(handing);
    return handing;
  }

  /** Before the notifications client closes (on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.handing);
  }
}
