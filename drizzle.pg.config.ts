import { defineConfig } from 'drizzle-kit';

/**
 * PostgreSQL's migrations (`npm run db:generate:pg -- --name <short_name>`): the tables of src/db/schema.ts as
 * scripts/pg-schema.ts generates them, and PostgreSQL's own (leader terms). SQLite's are drizzle.config.ts's.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/pg-schema.generated.ts', './src/db/pg-leader-schema.ts'],
  out: './migrations-pg',
});
