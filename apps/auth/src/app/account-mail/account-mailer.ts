import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { appendFile } from 'node:fs/promises';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';

/** A link the owner of an account must receive by email: the token in it is for them alone. */
export interface AccountMail {
  kind: 'password_reset' | 'email_verification';
  userId: string;
  email: string;
  token: string;
  expiresAt: string;
}

/**
 * Where account links go. Email delivery belongs to the notifications app; until auth hands
 * these to it, a link is delivered only to ACCOUNT_MAIL_DROP, a file that tests read and that
 * the configuration refuses in production. Without it the link is dropped and that is logged
 * (never the token).
 */
@Injectable()
export class AccountMailer implements OnModuleInit {
  private readonly logger = new Logger(AccountMailer.name);

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  onModuleInit(): void {
    if (!this.config.accountMailDrop) {
      this.logger.warn('Password-reset and verification links are not emailed yet: no delivery is configured');
    }
  }

  async send(mail: AccountMail): Promise<void> {
    if (this.config.accountMailDrop) {
      await appendFile(this.config.accountMailDrop, `${JSON.stringify(mail)}\n`);
      return;
    }
    this.logger.debug({ userId: mail.userId, kind: mail.kind }, 'A link was not sent: no delivery is configured');
  }
}
