import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { adminQuery, assertServicesAnswer, databaseUrl } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory that each test copies (initdb costs seconds; a copy does not). */
    pgliteTemplate: string;
    /** A migrated PostgreSQL database that each test clones with CREATE DATABASE … TEMPLATE. */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  await assertServicesAnswer();

  const root = await mkdtemp(path.join(tmpdir(), 'mp-template-'));
  const pgliteTemplate = path.join(root, 'pglite');
  const embedded = await openDatabase({ database: { kind: 'pglite', dataDir: pgliteTemplate } });
  await migrate(embedded.sql);
  await embedded.close();

  const postgresTemplate = `mp_template_${process.pid}_${project.name}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${postgresTemplate}`);
  await adminQuery(`CREATE DATABASE ${postgresTemplate}`);
  const server = await openDatabase({
    database: { kind: 'postgres', url: databaseUrl(postgresTemplate), poolSize: 2, preparedStatements: 0 },
  });
  await migrate(server.sql);
  await server.close();

  project.provide('pgliteTemplate', pgliteTemplate);
  project.provide('postgresTemplate', postgresTemplate);

  return async () => {
    await rm(root, { recursive: true, force: true });
    await adminQuery(`DROP DATABASE IF EXISTS ${postgresTemplate} WITH (FORCE)`);
  };
}

export async function copyTemplate(template: string, target: string): Promise<void> {
  await cp(template, target, { recursive: true });
}
