import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/auth/src/app/db/schema.ts',
  out: './apps/auth/src/app/db/migrations',
});
