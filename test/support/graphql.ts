import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expect } from 'vitest';
import type { CreateJobInput } from './generated/graphql.ts';
import { CreateJob } from './operations.ts';
import type { TestServer } from './server.ts';

/** Sends an operation that must succeed and returns its data; as the file's default user unless `token` says. */
export type Gql = <Data = Record<string, any>, Variables = Record<string, unknown>>(
  query: string | TypedDocumentNode<Data, Variables>,
  variables?: Variables,
  token?: string,
) => Promise<Data>;

/**
 * The test client of a file whose server and default token are set in `beforeAll`: both are read at each call.
 * `const gql = graphqlAs(() => server, () => token);`
 */
export function graphqlAs(server: () => TestServer, token: () => string): Gql {
  return (query, variables, as) => server().data(query, variables, as ?? token());
}

/** Creates a job (a title and a description unless given) and returns what createJob answered. */
export async function createJob(gql: Gql, input: Partial<CreateJobInput> = {}, token?: string) {
  const job = { title: 'Deckhand (m/f/x)', description: '<p>Work at sea.</p>', ...input };
  return (await gql(CreateJob, { input: job }, token)).createJob;
}

/** A job created with `input`; fails the test if createJob refused it. */
export async function createdJob(gql: Gql, input: Partial<CreateJobInput> = {}, token?: string) {
  const job = await createJob(gql, input, token);
  if (job.__typename !== 'Job') throw new Error(`createJob was refused: ${JSON.stringify(job)}`);
  return job;
}

/** The id of a job created with `input`; fails the test if createJob refused it. */
export const createJobId = async (gql: Gql, input: Partial<CreateJobInput> = {}, token?: string) =>
  (await createdJob(gql, input, token)).id;

/** The database id inside a global id (`base64("Type:id")`), to look at rows directly. */
export const localId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/**
 * A queued posting as a mutation answers it: the answer is read once the change is committed, when the worker may
 * already have taken the posting further (sent it, or even had it published).
 */
export const QUEUED_OR_FURTHER = expect.stringMatching(/^(QUEUED|SUBMITTED|PENDING_REVIEW|PUBLISHED)$/);
