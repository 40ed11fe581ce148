import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/catalog/src/app/db/schema.ts',
  out: './apps/catalog/src/app/db/migrations',
});
