import { type SmtpSink, startSmtpSink, waitFor } from '@shop/testing';
import { Mailer } from './mailer';

describe('Mailer (a real SMTP server on loopback)', () => {
  let smtp: SmtpSink;
  let mailer: Mailer;
  beforeEach(async () => {
    smtp = await startSmtpSink({ refuse: (address) => address.startsWith('bounce-') });
    mailer = new Mailer(smtp.url, 'Test Shop <shop@shop.test>');
  });
  afterEach(async () => {
    mailer.close();
    await smtp.stop();
  });

  const email = (i: number) => ({
    subject: `Order ${i} received`,
    html: `<p>Order <b>${i}</b> · €1</p>`,
    text: `Order ${i} · €1`,
  });

  it('sends over at most its three pooled connections, reused message after message', async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all([0, 1, 2, 3, 4].map((i) => mailer.send(`ada-${round}-${i}@shop.test`, email(round * 5 + i))));
    }
    expect(smtp.messages).toHaveLength(15);
    expect(smtp.connections).toBeLessThanOrEqual(3);
  });

  it('sends the message as composed, to the envelope recipient, from MAIL_FROM', async () => {
    await mailer.send('ada@shop.test', email(7));
    expect(smtp.messages).toEqual([
      {
        recipients: ['ada@shop.test'],
        to: ['ada@shop.test'],
        from: '"Test Shop" <shop@shop.test>',
        subject: 'Order 7 received',
        text: 'Order 7 · €1',
        html: '<p>Order <b>7</b> · €1</p>',
      },
    ]);
  });

  it('delivers UTF-8 headers, long lines and lines starting with a dot as rendered (the dots stuffed on the wire)', async () => {
    const rendered = {
      subject: 'Shöp: order 8 received — merci, Zoë',
      text: `Hello Zoë,\n.a line that starts with a dot\n..two\n.\n${'long line · '.repeat(30)}end\n`,
      html: `<p>Hello Zoë,</p>\n.<p>${'<b>long</b>.line = · '.repeat(30)}</p>\n`,
    };
    await mailer.send('zoë@shop.test', rendered);
    expect(smtp.messages).toEqual([
      {
        recipients: ['zoë@shop.test'],
        to: ['zoë@shop.test'],
        from: '"Test Shop" <shop@shop.test>',
        ...rendered,
      },
    ]);
  });

  it('rejects when the server refuses the recipient, and sends the next message on a new connection', async () => {
    await expect(mailer.send('bounce-bea@shop.test', email(1))).rejects.toMatchObject({ responseCode: 550 });
    expect(smtp.messages).toEqual([]);
    await mailer.send('ada@shop.test', email(2));
    expect(smtp.messages.map((mail) => mail.recipients)).toEqual([['ada@shop.test']]);
  });
});

describe('Mailer (a real SMTP server that takes only logged-in clients)', () => {
  it("logs in with SMTP_URL's credentials, and fails with the server's answer to wrong ones", async () => {
    const smtp = await startSmtpSink({ credentials: { user: 'shop', pass: 's3cret:x' } });
    const port = new URL(smtp.url).port;
    const mailer = new Mailer(
      `smtp://shop:${encodeURIComponent('s3cret:x')}@127.0.0.1:${port}`,
      'Shop <shop@shop.test>',
    );
    const wrong = new Mailer(`smtp://shop:nope@127.0.0.1:${port}`, 'Shop <shop@shop.test>');
    try {
      await mailer.send('ada@shop.test', { subject: 'Hi', text: 'hi', html: '<p>hi</p>' });
      await expect(wrong.send('bea@shop.test', { subject: 'Hi', text: 'hi', html: '<p>hi</p>' })).rejects.toMatchObject(
        {
          responseCode: 535,
        },
      );
      expect(smtp.messages.map((mail) => mail.recipients)).toEqual([['ada@shop.test']]);
    } finally {
      mailer.close();
      wrong.close();
      await smtp.stop();
    }
  });
});

describe('Mailer (a real SMTP server that closes idle connections)', () => {
  it('opens a new connection for the next message once the server closed the idle one', async () => {
    const smtp = await startSmtpSink({ idleTimeoutMs: 200 });
    const mailer = new Mailer(smtp.url, 'Test Shop <shop@shop.test>');
    try {
      await mailer.send('ada@shop.test', { subject: 'One', text: 'one', html: '<p>one</p>' });
      await waitFor('the server to close the idle connection', async () => smtp.disconnections === 1);
      await mailer.send('ada@shop.test', { subject: 'Two', text: 'two', html: '<p>two</p>' });
      expect(smtp.messages.map((mail) => mail.subject)).toEqual(['One', 'Two']);
      expect(smtp.connections).toBe(2);
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });
});
