import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedEmail } from '../templates/template-renderer';

/** Email over SMTP (SMTP_URL): one pooled transport per process. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url, { pool: true, maxConnections: 3 } as object);
  }

  async send(to: string, email: RenderedEmail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to, ...email });
  }

  close(): void {
    this.transport.close();
  }
}
