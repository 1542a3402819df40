import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from 'vitest';
import { breakingChanges, lastRelease } from '../../scripts/breaking-changes.ts';
import { ROOT } from '../support/process.ts';

const RELEASED = `
  type Query { posting(id: ID!): Posting, jobs(first: Int, status: String @deprecated(reason: "use filter")): [String!]! }
  type Posting { id: ID!, status: Status!, oldUrl: String @deprecated(reason: "use externalUrl"), externalUrl: String }
  enum Status { LIVE, GONE @deprecated(reason: "never sent"), DRAFT }
`;

test('schema.graphql breaks nothing of the last release that the release had not deprecated', async () => {
  const { version, sdl } = await lastRelease(ROOT);
  const current = await readFile(path.join(ROOT, 'schema.graphql'), 'utf8');
  expect(breakingChanges(sdl, current), `breaking changes since v${version}`).toEqual([]);
});

test('the check lets deprecated fields, arguments and enum values go, and refuses every other break', () => {
  const withoutDeprecated = `
    type Query { posting(id: ID!): Posting, jobs(first: Int): [String!]! }
    type Posting { id: ID!, status: Status!, externalUrl: String }
    enum Status { LIVE, DRAFT }
  `;
  expect(breakingChanges(RELEASED, withoutDeprecated)).toEqual([]);

  const broken = `
    type Query { posting(id: ID!, board: String!): Posting, jobs(status: String): [String!]! }
    type Posting { id: ID!, status: Int, oldUrl: String @deprecated(reason: "use externalUrl") }
    enum Status { LIVE, GONE @deprecated(reason: "never sent") }
  `;
  expect(
    breakingChanges(RELEASED, broken)
      .map((change) => change.description)
      .sort(),
  ).toEqual([
    'A required arg board on Query.posting was added.',
    'DRAFT was removed from enum type Status.',
    'Posting.externalUrl was removed.',
    'Posting.status changed type from Status! to Int.',
    'Query.jobs arg first was removed.',
  ]);
});
