import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/notifications/src/app/db/schema.ts',
  out: './apps/notifications/src/app/db/migrations',
});
