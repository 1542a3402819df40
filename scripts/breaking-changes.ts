// The API's stability rule as code (docs/api-versioning.md): between the last release and now, the schema may only
// lose what the release had already deprecated. `npm test` runs it (test/unit/api-stability.test.ts).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BreakingChangeType, buildSchema, findBreakingChanges, type GraphQLSchema, isEnumType } from 'graphql';
import semver from 'semver';

export const RELEASES_DIR = 'docs/api/releases';

/** The schema of the newest release recorded in `docs/api/releases/` (v<semver>.graphql), and its version. */
export async function lastRelease(root: string): Promise<{ version: string; sdl: string }> {
  const versions = (await readdir(path.join(root, RELEASES_DIR)))
    .map((file) => /^v(.+)\.graphql$/.exec(file)?.[1])
    .filter((version): version is string => version !== undefined && semver.valid(version) !== null)
    .sort(semver.rcompare);
  if (versions.length === 0) throw new Error(`No release schema in ${RELEASES_DIR}`);
  const version = versions[0]!;
  return { version, sdl: await readFile(path.join(root, RELEASES_DIR, `v${version}.graphql`), 'utf8') };
}

/** Whether the release deprecated what a removal names: a field, an argument or an enum value. */
function wasDeprecated(released: GraphQLSchema, description: string): boolean {
  const field = /^(\w+)\.(\w+) was removed\.$/.exec(description);
  if (field) {
    const type = released.getType(field[1]!);
    const fields = type && 'getFields' in type ? type.getFields() : {};
    const removed = (fields as Record<string, { deprecationReason?: string | null }>)[field[2]!];
    return Boolean(removed?.deprecationReason);
  }
  const argument = /^(\w+)\.(\w+) arg (\w+) was removed\.$/.exec(description);
  if (argument) {
    const type = released.getType(argument[1]!);
    const fields = type && 'getFields' in type ? type.getFields() : {};
    const owner = (fields as Record<string, { args?: readonly { name: string; deprecationReason?: string | null }[] }>)[
      argument[2]!
    ];
    return Boolean(owner?.args?.find((arg) => arg.name === argument[3])?.deprecationReason);
  }
  const value = /^(\w+) was removed from enum type (\w+)\.$/.exec(description);
  if (value) {
    const type = released.getType(value[2]!);
    return isEnumType(type) && Boolean(type.getValue(value[1]!)?.deprecationReason);
  }
  return false;
}

/** Removals that are allowed once the release has deprecated what they remove. */
const REMOVALS: string[] = [
  BreakingChangeType.FIELD_REMOVED,
  BreakingChangeType.ARG_REMOVED,
  BreakingChangeType.VALUE_REMOVED_FROM_ENUM,
];

/** The changes from `releasedSdl` to `currentSdl` that break clients and were not deprecated in the release. */
export function breakingChanges(releasedSdl: string, currentSdl: string): { type: string; description: string }[] {
  const released = buildSchema(releasedSdl);
  return findBreakingChanges(released, buildSchema(currentSdl)).filter(
    (change) => !(REMOVALS.includes(change.type) && wasDeprecated(released, change.description)),
  );
}
