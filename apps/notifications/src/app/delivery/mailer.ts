import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { RenderedEmail } from '../templates/template-renderer';

/** Email over SMTP (SMTP_URL): one pooled transport per process. */
export class Mailer {
  private readonly transport: Transporter;
  /** The bare address of MAIL_FROM, for the SMTP envelope. */
  private readonly sender: string;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // A connection is kept for as long as the server keeps it (nodemailer's default would open a new
    // one every 100 messages: a connect and a handshake that cost more than some messages). The pool
    // options go with the URL, in the first argument: the second holds defaults for each message, and
    // there they left the transport unpooled, one connection and EHLO per message.
    this.transport = nodemailer.createTransport({ url, pool: true, maxConnections: 3, maxMessages: Infinity });
    const [parsed] = addressparser(from, { flatten: true });
    if (!parsed?.address) throw new Error(`MAIL_FROM has no address: ${from}`);
    this.sender = parsed.address;
  }

  async send(to: string, email: RenderedEmail): Promise<void> {
    // Composed in memory first: the transport then writes the message to the socket in one piece,
    // not one write per chunk of the MIME tree as it streams (socket writes were the costliest part).
    const raw = await new MailComposer({ from: this.from, to, ...email }).compile().build();
    await this.transport.sendMail({ envelope: { from: this.sender, to }, raw });
  }

  close(): void {
    this.transport.close();
  }
}
