import { type SmtpSink, startSmtpSink } from '@shop/testing';
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

  it('rejects when the server refuses the recipient', async () => {
    await expect(mailer.send('bounce-bea@shop.test', email(1))).rejects.toMatchObject({ responseCode: 550 });
    expect(smtp.messages).toEqual([]);
  });
});
