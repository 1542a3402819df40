import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file; migrations are applied by src/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/unused' },
});
