// npm start's mail catcher: maildev on MAILDEV_SMTP_PORT and MAILDEV_WEB_PORT (127.0.0.1), saying
// where it listens in the apps' own log shape, so that start.mjs learns the ports it bound when
// they are 0. maildev's command line would print the port it was given, not the one it got.
const { once } = require('node:events');
const maildev = require('maildev');
const web = require('maildev/lib/web');

const say = (msg) => console.log(JSON.stringify({ level: 30, time: Date.now(), service: 'maildev', msg }));

async function main() {
  // maildev replaces a numeric 0 by its default port; the string '0' reaches listen() as it is.
  const mail = maildev({
    smtp: process.env.MAILDEV_SMTP_PORT ?? '1025',
    web: process.env.MAILDEV_WEB_PORT ?? '1080',
    ip: '127.0.0.1',
    webIp: '127.0.0.1',
    silent: true,
  });
  await mail.listen();
  if (!web.server.listening) await once(web.server, 'listening');
  say(`Listening on smtp://127.0.0.1:${mail.smtp.server.address().port}`);
  say(`Listening on http://127.0.0.1:${web.server.address().port}`);
}

main().catch((error) => {
  console.error(`mail catcher: ${error.message}`);
  process.exit(1);
});
