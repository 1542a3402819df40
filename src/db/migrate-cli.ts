import { loadConfig } from '../config.ts';
import { openDatabase } from './database.ts';
import { migrate } from './migrate.ts';
import { runCli } from '../cli.ts';

await runCli(async () => {
  const db = await openDatabase(loadConfig());
  try {
    const { applied, alreadyApplied } = await migrate(db.sql);
    console.log(
      applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.',
      `${alreadyApplied.length + applied.length} migration(s) in all.`,
    );
  } finally {
    await db.close();
  }
});
