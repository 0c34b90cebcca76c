import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations from the schema; `migrateDatabase` applies them at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/adapters/db/schema.ts',
  out: './src/adapters/db/migrations',
});
