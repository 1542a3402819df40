#!/usr/bin/env node
// `multiposting-plugin new <id> [directory]`: a new board plugin from the starter this package ships.
import { cp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pascalCase } from './naming.ts';
import { SDK_VERSION } from './version.ts';

const STARTER = fileURLToPath(new URL('../starter/', import.meta.url));
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

async function files(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? files(path.join(directory, entry.name)) : [path.join(directory, entry.name)],
    ),
  );
  return nested.flat();
}

/** Copies the starter to `directory` with the plugin's id, name and this SDK's version filled in. */
export async function scaffold(id: string, directory: string): Promise<void> {
  if (!ID.test(id)) throw new Error(`"${id}" is not a kebab-case plugin id such as "acme-jobs"`);
  if (
    await stat(directory).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`${directory} already exists`);
  await cp(STARTER, directory, { recursive: true });
  // npm leaves .gitignore out of packages: the starter ships it without the dot.
  await rename(path.join(directory, 'gitignore'), path.join(directory, '.gitignore'));
  const name = id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
  for (const file of await files(directory)) {
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replaceAll('__ID__', id)
        .replaceAll('__NAME__', name)
        .replaceAll('__PREFIX__', pascalCase(id))
        .replaceAll('__SDK_VERSION__', SDK_VERSION),
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, id, directory] = argv;
  if (command !== 'new' || !id) {
    process.stderr.write('usage: multiposting-plugin new <plugin-id> [directory]\n');
    return 2;
  }
  // Under `npm run`, the directory is relative to where the command was typed.
  const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), directory ?? `multiposting-plugin-${id}`);
  try {
    await scaffold(id, target);
  } catch (error) {
    process.stderr.write(`multiposting-plugin: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    `Created ${target}\nNext: cd ${path.relative(process.cwd(), target) || '.'} && npm install && npm test\n`,
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
