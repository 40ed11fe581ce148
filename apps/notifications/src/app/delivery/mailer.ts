import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedEmail } from '../templates/template-renderer';

/** Email over SMTP (SMTP_URL): one pooled transport per process. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // A connection is kept for as long as the server keeps it (nodemailer's default would open a new
    // one every 100 messages: a connect and a handshake that cost more than some messages).
    this.transport = nodemailer.createTransport(url, {
      pool: true,
      maxConnections: 3,
      maxMessages: Infinity,
    } as object);
  }

  async send(to: string, email: RenderedEmail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to, ...email });
  }

  close(): void {
    this.transport.close();
  }
}
