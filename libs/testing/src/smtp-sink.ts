import { type ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './net';

export interface ReceivedMail {
  /** The SMTP envelope's recipients (RCPT TO), where the message was delivered. */
  recipients: string[];
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpSink {
  /** smtp://127.0.0.1:<port>, for the notifications app's SMTP_URL. */
  url: string;
  /** Every message received so far, parsed. */
  readonly messages: ReceivedMail[];
  /** SMTP connections accepted so far (a pooled sender keeps reusing a few). */
  readonly connections: number;
  /** Resolves with the messages matching `match` once there are at least `count` of them. */
  waitFor(
    what: string,
    match: (mail: ReceivedMail) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

const addresses = (field: ParsedMail['to']) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((a) => a.address ?? ''));

/**
 * A real SMTP server on loopback (port bound by the OS) that keeps what it receives, parsed.
 * Recipients `refuse` names are rejected with 550, as a mailbox that does not exist would be.
 * With `keep: false` it accepts and drops every message unparsed (for load, where only the
 * sending matters and parsing would take the CPU being measured).
 */
export async function startSmtpSink({
  refuse,
  keep = true,
}: { refuse?: (address: string) => boolean; keep?: boolean } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (refuse?.(address.address))
        return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      if (!keep) {
        stream.on('end', () => callback()).resume();
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          messages.push({
            recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            to: addresses(mail.to),
            from: mail.from?.text ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client that drops its connection (a pooled sender shutting down) is its own business, not
  // the sink's: smtp-server reports it as an 'error' event, which would otherwise crash the process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    async waitFor(what, match, count = 1, timeoutMs = 60_000) {
      await waitFor(what, async () => messages.filter(match).length >= count, timeoutMs);
      return messages.filter(match);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
