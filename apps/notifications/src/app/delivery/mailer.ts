import { type ConnectionUrlOptions, parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection, { type SMTPEnvelope } from 'nodemailer/lib/smtp-connection';
import type { RenderedEmail } from '../templates/template-renderer';
import { MimeMessage } from './mime-message';

/** Connections kept open to the SMTP server; each carries one message at a time. */
const CONNECTIONS = 3;

/** An SMTP connection: `ready` once greeted (and logged in), `closed` rejects when it fails or ends. */
interface Connection {
  smtp: SMTPConnection;
  ready: Promise<void>;
  closed: Promise<never>;
}

/** One kept connection and the messages queued on it, sent one after another. */
interface Lane {
  connection?: Connection;
  tail: Promise<unknown>;
  queued: number;
}

/**
 * Email over SMTP (SMTP_URL): each message built by {@link MimeMessage} and written on one of
 * {@link CONNECTIONS} kept connections with nodemailer's SMTPConnection (which speaks the
 * protocol: EHLO, STARTTLS, AUTH, PIPELINING, dot-stuffing).
 *
 * Not nodemailer's `sendMail` over its pooled transport: per message that normalizes the mail,
 * runs its plugins, builds a MIME node around the raw message and pipes it through three
 * streams before the connection's own (with MailComposer, about 1 ms of CPU per order email
 * against 0.2 ms this way, rendering included). What is kept of the pool is small: a connection
 * is opened when a message needs one and kept while it works; when the server closes it or a
 * message fails on it, it is dropped (its state is then unknown, as nodemailer's pool also
 * judges), the message in flight on it rejected, and the next message opens another.
 */
export class Mailer {
  private readonly message: MimeMessage;
  private readonly options: ConnectionUrlOptions;
  private readonly lanes: Lane[] = Array.from({ length: CONNECTIONS }, () => ({
    tail: Promise.resolve(),
    queued: 0,
  }));

  constructor(url: string, from: string) {
    this.message = new MimeMessage(from);
    this.options = parseConnectionUrl(url);
  }

  /** Resolves once the server accepted the message; rejects with its error (`responseCode`) otherwise. */
  async send(to: string, email: RenderedEmail): Promise<void> {
    const raw = Buffer.from(this.message.build(to, email));
    const lane = this.lanes.reduce((least, lane) => (lane.queued < least.queued ? lane : least));
    lane.queued++;
    const sent = lane.tail.then(() => this.sendOn(lane, { from: this.message.sender, to: [to] }, raw));
    lane.tail = sent.then(
      () => lane.queued--,
      () => lane.queued--,
    );
    await sent;
  }

  close(): void {
    for (const lane of this.lanes) if (lane.connection) this.drop(lane, lane.connection.smtp);
  }

  private async sendOn(lane: Lane, envelope: SMTPEnvelope, raw: Buffer): Promise<void> {
    const connection = (lane.connection ??= this.connect(lane));
    try {
      await connection.ready;
      await Promise.race([
        connection.closed,
        new Promise<void>((resolve, reject) =>
          connection.smtp.send(envelope, raw, (error) => (error ? reject(error) : resolve())),
        ),
      ]);
    } catch (error) {
      this.drop(lane, connection.smtp);
      throw error;
    }
  }

  private connect(lane: Lane): Connection {
    const smtp = new SMTPConnection(this.options);
    let fail!: (error: Error) => void;
    const closed = new Promise<never>((_, reject) => (fail = reject));
    // Observed only while a message is in flight; a connection closing while idle is no error.
    closed.catch(() => undefined);
    smtp.on('error', (error: Error) => {
      fail(error);
      this.drop(lane, smtp);
    });
    smtp.once('end', () => {
      fail(Object.assign(new Error('The SMTP server closed the connection'), { code: 'ECONNECTION' }));
      this.drop(lane, smtp);
    });
    return { smtp, closed, ready: Promise.race([closed, this.open(smtp)]) };
  }

  /** Greeted, and logged in where the server offers AUTH and the URL has credentials (as nodemailer's pool does). */
  private open(smtp: SMTPConnection): Promise<void> {
    const { auth } = this.options;
    return new Promise((resolve, reject) =>
      smtp.connect((error) => {
        if (error) return reject(error);
        if (!auth || !smtp.allowsAuth) return resolve();
        smtp.login(auth, (error) => (error ? reject(error) : resolve()));
      }),
    );
  }

  private drop(lane: Lane, smtp: SMTPConnection): void {
    if (lane.connection?.smtp === smtp) lane.connection = undefined;
    smtp.close();
  }
}
