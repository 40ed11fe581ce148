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
  /** Connections closed so far, by either side. */
  readonly disconnections: number;
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
 * sending matters and parsing would take the CPU being measured). With `idleTimeoutMs` it closes
 * a connection left idle that long, as a real server does after a while. With `credentials` it
 * takes only clients that log in with them (AUTH, over plain TCP as this is loopback).
 */
export async function startSmtpSink({
  refuse,
  keep = true,
  idleTimeoutMs,
  credentials,
}: {
  refuse?: (address: string) => boolean;
  keep?: boolean;
  idleTimeoutMs?: number;
  credentials?: { user: string; pass: string };
} = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let connections = 0;
  let disconnections = 0;
  const server = new SMTPServer({
    ...(idleTimeoutMs ? { socketTimeout: idleTimeoutMs } : {}),
    ...(credentials ? { authOptional: false, allowInsecureAuth: true } : { authOptional: true }),
    onAuth(auth, _session, callback) {
      if (auth.username === credentials?.user && auth.password === credentials?.pass)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onClose() {
      disconnections++;
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
    get disconnections() {
      return disconnections;
    },
    async waitFor(what, match, count = 1, timeoutMs = 60_000) {
      await waitFor(what, async () => messages.filter(match).length >= count, timeoutMs);
      return messages.filter(match);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
