// Applies one app's pending migrations, then exits: run as a Helm pre-install/pre-upgrade hook,
// a failing migration stops the release before any pod is replaced. Apps still migrate at
// start-up under the same PostgreSQL advisory lock, so running both is harmless.
// `nx build <app>` bundles it beside the app's main.cjs and its db/migrations, as the image has it:
//   APP=auth AUTH_DATABASE_URL=postgres://… node dist/apps/auth/migrate.cjs
const { join } = require('node:path');
const { openDatabase } = require('../libs/service-defaults/src/database/database');

const app = process.env.APP ?? '';
const url = process.env[`${app.toUpperCase()}_DATABASE_URL`];
if (!/^(auth|catalog|orders|notifications)$/.test(app) || !url) {
  console.error('set APP to auth, catalog, orders or notifications, and its <APP>_DATABASE_URL');
  process.exit(1);
}

openDatabase({
  url,
  dataDir: '',
  schema: {},
  migrationsFolder: join(__dirname, 'db/migrations'),
})
  .then((database) => database.close())
  .then(() => console.log(`${app}: migrations applied`))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
