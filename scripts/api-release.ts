// npm run api:release — records schema.graphql as the schema of the version in package.json
// (docs/api/releases/v<version>.graphql): from then on `npm test` refuses to break it without a deprecation first.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../src/cli.ts';
import { ROOT } from '../src/root.ts';
import { breakingChanges, lastRelease, RELEASES_DIR } from './breaking-changes.ts';

await runCli(async () => {
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const current = await readFile(path.join(ROOT, 'schema.graphql'), 'utf8');
  const previous = await lastRelease(ROOT);
  const broken = breakingChanges(previous.sdl, current);
  if (broken.length > 0 && previous.version.split('.')[0] === version.split('.')[0])
    throw new Error(
      `v${version} breaks v${previous.version} without a new major version:\n${broken.map((change) => `- ${change.description}`).join('\n')}`,
    );
  const target = path.join(ROOT, RELEASES_DIR, `v${version}.graphql`);
  await copyFile(path.join(ROOT, 'schema.graphql'), target);
  console.log(`Recorded ${path.relative(ROOT, target)}; tag the commit v${version}.`);
});
