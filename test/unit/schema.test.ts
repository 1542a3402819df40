import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { printedSchema } from '../../src/schema/index.ts';

test('schema.graphql is the printed schema (run npm run schema:print after changing the schema)', async () => {
  const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
  expect(printedSchema()).toBe(committed);
});
