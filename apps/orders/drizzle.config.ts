import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/orders/src/app/db/schema.ts',
  out: './apps/orders/src/app/db/migrations',
});
