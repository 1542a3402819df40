// npm run db:diff                 prints the SQL that brings prisma/migrations up to prisma/schema.prisma
// npm run db:diff -- --create NAME writes it as the next migration, prisma/migrations/NNNN_NAME/migration.sql
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../src/cli.ts';
import { MIGRATIONS_DIR, readMigrations } from '../src/db/migrate.ts';
import { diffMigrationsToSchema } from '../src/db/schema-diff.ts';

await runCli(async () => {
  const { values } = parseArgs({ options: { create: { type: 'string' } } });
  const sql = await diffMigrationsToSchema();
  if (!sql) {
    console.log('-- prisma/migrations already produce prisma/schema.prisma: nothing to do.');
    return;
  }
  if (!values.create) {
    console.log(sql);
    return;
  }
  if (!/^[a-z0-9_]+$/.test(values.create)) throw new TypeError('--create takes a snake_case name, e.g. add_contracts');
  const next = String((await readMigrations()).length + 1).padStart(4, '0');
  const folder = path.join(MIGRATIONS_DIR, `${next}_${values.create}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'migration.sql'), `${sql}\n`);
  console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql; review it, then run npm run db:migrate.`);
});
