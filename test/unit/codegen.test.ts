import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { executeCodegen } from '@graphql-codegen/cli';
import { expect, test } from 'vitest';
import config from '../../codegen.ts';
import { ROOT } from '../support/process.ts';

test('the typed documents are those GraphQL Code Generator makes from schema.graphql today', async () => {
  const { result } = await executeCodegen({ ...config, cwd: ROOT, silent: true });
  expect(result.map((file) => path.dirname(file.filename)).sort()).toEqual(
    expect.arrayContaining(['examples/typed-client/generated', 'test/support/generated']),
  );
  for (const file of result)
    expect(
      await readFile(path.join(ROOT, file.filename), 'utf8'),
      `${file.filename} is stale: run npm run codegen`,
    ).toBe(file.content);
});
