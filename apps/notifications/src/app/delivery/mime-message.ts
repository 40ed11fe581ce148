import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';
import { encodeWord, foldLines, quoteString } from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import type { RenderedEmail } from '../templates/template-renderer';

/** A control character, DEL or anything beyond ASCII: a header value holding one is encoded (RFC 2047). */
const NOT_PRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\uffff]/;

/**
 * Our emails as one MIME message (RFC 5322 and 2045–2047): a multipart/alternative of the text
 * and the HTML, each UTF-8 in quoted-printable, CRLF line endings throughout.
 *
 * Built as one string rather than with nodemailer's MailComposer, which builds a tree of MIME
 * nodes and streams each part through encoder and line-ending transforms (the largest part of
 * the notifications app's CPU per order). Our messages have one shape, so only what varies is
 * worked out per message; the encoding itself is nodemailer's (`qp`, `mime-funcs`: encoded words,
 * folding). Dot-stuffing is the SMTP layer's (nodemailer's SMTPConnection stuffs every line that
 * starts with a dot).
 */
export class MimeMessage {
  /** The bare From address, for the SMTP envelope. */
  readonly sender: string;
  private readonly fromHeader: string;
  /** The From address's domain, for Message-IDs (as nodemailer makes them). */
  private readonly domain: string;

  /** `from` as MAIL_FROM has it: `Name <address>` or a bare address. */
  constructor(from: string) {
    const [parsed] = addressparser(from, { flatten: true });
    if (!parsed?.address) throw new Error(`MAIL_FROM has no address: ${from}`);
    this.sender = parsed.address;
    this.domain = parsed.address.slice(parsed.address.lastIndexOf('@') + 1);
    this.fromHeader = header('From', parsed.name ? `${displayName(parsed.name)} <${parsed.address}>` : parsed.address);
  }

  build(to: string, { subject, text, html }: RenderedEmail, date = new Date()): string {
    const id = randomUUID();
    // A quoted-printable body cannot hold "=_" (every "=" in it starts an escape), so no part can
    // contain the boundary.
    const boundary = `=_${id}`;
    return (
      `${this.fromHeader}\r\n` +
      `${header('To', recipient(to))}\r\n` +
      `${header('Subject', unstructured(subject))}\r\n` +
      `Message-ID: <${id}@${this.domain}>\r\n` +
      `Date: ${date.toUTCString().replace('GMT', '+0000')}\r\n` +
      'MIME-Version: 1.0\r\n' +
      `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n` +
      `\r\n` +
      // Least preferred first (RFC 2046 5.1.4): a reader shows the last part it can.
      part(boundary, 'text/plain', text) +
      part(boundary, 'text/html', html) +
      `--${boundary}--\r\n`
    );
  }
}

function part(boundary: string, type: string, content: string): string {
  const body = qp.wrap(qp.encode(content.replace(/\r\n|\r|\n/g, '\r\n')), 76);
  return (
    `--${boundary}\r\n` +
    `Content-Type: ${type}; charset=utf-8\r\n` +
    'Content-Transfer-Encoding: quoted-printable\r\n' +
    `\r\n${body}\r\n`
  );
}

/** A header line folded at 76 characters. */
function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76);
}

/** An unstructured value (Subject) on one line, as encoded words when not printable ASCII. */
function unstructured(value: string): string {
  const line = value.replace(/\r\n|\r|\n/g, ' ');
  return NOT_PRINTABLE.test(line) ? encodeWord(line, 'Q', 52) : line;
}

/** A display name as an atom, a quoted string, or encoded words (as nodemailer writes one). */
function displayName(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  return NOT_PRINTABLE.test(name) ? encodeWord(name, 'Q', 52) : quoteString(name);
}

/**
 * An address as a header carries it: an internationalized domain in its ASCII form (punycode)
 * when the local part is ASCII; a UTF-8 local part needs SMTPUTF8 (RFC 6532) and is kept as is.
 */
function recipient(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at < 0 || NOT_PRINTABLE.test(local)) return address;
  return `${local}@${domainToASCII(address.slice(at + 1)) || address.slice(at + 1)}`;
}
