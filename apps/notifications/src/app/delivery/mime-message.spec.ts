import { simpleParser } from 'mailparser';
import { MimeMessage } from './mime-message';

const email = {
  subject: 'Shöp: order 42 received — merci, Zoë',
  text: `Hello Zoë Ångström,\n.a line that starts with a dot\n${'long line · '.repeat(20)}end\ntrailing space \nTotal: €49.80\n`,
  html: `<p>Hello Zoë Ångström,</p>\n.<p>${'<b>long</b> line = 3 · '.repeat(20)}</p>\r\n<p>€49.80</p>`,
};

describe('MimeMessage', () => {
  const message = new MimeMessage('Shöp Team <shop@shop.test>');
  const raw = message.build('zoë@exämple.test', email, new Date('2026-12-02T11:30:52.123Z'));

  it('is parsed back to the subject, sender and both parts exactly as rendered', async () => {
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.to).toMatchObject({ value: [{ address: 'zoë@exämple.test' }] });
    expect(parsed.from?.value).toEqual([{ name: 'Shöp Team', address: 'shop@shop.test' }]);
    expect(parsed.text).toBe(email.text);
    expect(parsed.html).toBe(email.html.replace(/\r\n/g, '\n'));
    expect(parsed.date?.toISOString()).toBe('2026-12-02T11:30:52.000Z');
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@shop\.test>$/);
  });

  it('writes only 7-bit ASCII lines of at most 76 characters, each ended by CRLF', () => {
    const raw = message.build('ada@exämple.test', email, new Date('2026-12-02T11:30:52.123Z'));
    expect(raw).toMatch(/^[\x00-\x7f]*$/);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw.endsWith('\r\n')).toBe(true);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    // Left for the SMTP layer to stuff (mailer.spec.ts sends such a message).
    expect(raw).toMatch(/^\.a line that starts with a dot\r$/m);
    // RFC 2047: encoded words, and the header's date in numeric zone form.
    expect(raw).toMatch(/^Subject: =\?UTF-8\?Q\?/m);
    expect(raw).toMatch(/^From: =\?UTF-8\?Q\?Sh=C3=B6p_Team\?= <shop@shop\.test>\r$/m);
    expect(raw).toMatch(/^Date: Wed, 02 Dec 2026 11:30:52 \+0000\r$/m);
    // An internationalized domain of an ASCII mailbox in its ASCII form (a UTF-8 mailbox needs SMTPUTF8 anyway).
    expect(raw).toMatch(/^To: ada@xn--exmple-cua\.test\r$/m);
  });

  it('quotes a display name with specials, and gives each message its own Message-ID', async () => {
    const quoted = new MimeMessage('"Shop, Inc." <shop@shop.test>');
    const [first, second] = await Promise.all([1, 2].map(() => simpleParser(quoted.build('ada@shop.test', email))));
    expect(first.from?.value).toEqual([{ name: 'Shop, Inc.', address: 'shop@shop.test' }]);
    expect(first.messageId).not.toBe(second.messageId);
    expect(quoted.sender).toBe('shop@shop.test');
  });

  it('refuses a MAIL_FROM without an address', () => {
    expect(() => new MimeMessage('Shop')).toThrow('MAIL_FROM has no address');
  });
});
