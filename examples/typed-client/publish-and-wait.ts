// npm run example:publish — connects a Le Forem contract, publishes a job through it and waits, on a GraphQL
// subscription, for Le Forem's review. Every operation is typed from schema.graphql (see codegen.ts at the root).
//
//   API_URL=http://localhost:4000 API_TOKEN=mpa_… LE_FOREM_API_KEY=… npm run example:publish
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import WebSocket from 'ws';
import { ConnectLeForem, CreateJob, PostingReviewed, PublishPosting } from './operations.ts';

export interface Options {
  apiUrl: string;
  token: string;
  leForem: { partnerCode: string; apiKey: string };
  log?: (line: string) => void;
}

/** POSTs one typed operation to /graphql; its result is typed by the operation itself. */
async function request<Result, Variables>(
  options: Options,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const response = await fetch(`${options.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (!body.data)
    throw new Error(
      `GraphQL error (HTTP ${response.status}): ${body.errors?.map((error) => error.message).join('; ')}`,
    );
  return body.data;
}

export async function publishAndWaitForReview(options: Options) {
  const log = options.log ?? console.log;
  const connected = (
    await request(options, ConnectLeForem, {
      input: { environment: 'ACCEPTANCE', confidentialityAgreementSigned: true, credentials: options.leForem },
    })
  ).connectLeForem;
  if (connected.__typename !== 'Contract')
    throw new Error(`Le Forem refused the contract: ${JSON.stringify(connected)}`);
  log(`contract ${connected.id}: ${connected.status}`);

  const job = (
    await request(options, CreateJob, {
      input: {
        title: 'Magasinier (h/f/x)',
        description:
          '<p>Réception, contrôle et rangement des marchandises; préparation des commandes, inventaires et chargement des camions.</p>',
        employmentType: 'FULL_TIME',
        location: { city: 'Liège', postalCode: '4000', countryCode: 'BE' },
      },
    })
  ).createJob;
  if (job.__typename !== 'Job') throw new Error(`The job was refused: ${JSON.stringify(job)}`);

  // Subscribe before publishing, so the review cannot come before we listen.
  const ws = createClient({
    url: `${options.apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.token}` },
  });
  try {
    const reviews = ws.iterate<ResultOf<typeof PostingReviewed>>({
      query: print(PostingReviewed),
      variables: { boardId: 'le-forem' },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const posting = (
      await request(options, PublishPosting, {
        input: {
          jobId: job.id,
          contractId: connected.id,
          // Le Forem's codes: ROME V3 N1103 (warehousing), NACE-BEL 52100 (storage); the rest comes from the job.
          boardFields: {
            romeCode: 'N1103',
            industryCode: '52100',
            employerName: 'Entrepôts Mosans',
            contactName: 'Anne Dubois',
            contactEmail: 'recrutement@entrepots-mosans.example',
          },
        },
      })
    ).publishPosting;
    if (posting.__typename !== 'Posting') throw new Error(`The posting was refused: ${JSON.stringify(posting)}`);
    log(`posting ${posting.id}: ${posting.status}; waiting for Le Forem's review…`);
    for await (const event of reviews) {
      const review = event.data?.postingReviewed;
      if (review?.posting.id !== posting.id) continue;
      log(
        review.approved
          ? `approved: the posting is ${review.posting.status} (Le Forem id ${review.posting.externalId})`
          : `rejected: ${review.reason}`,
      );
      return review;
    }
    throw new Error('The subscription ended before the review arrived');
  } finally {
    await ws.dispose();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const {
    API_URL = 'http://localhost:4000',
    API_TOKEN,
    LE_FOREM_PARTNER_CODE = 'ACME01',
    LE_FOREM_API_KEY,
  } = process.env;
  if (!API_TOKEN || !LE_FOREM_API_KEY) {
    console.error('Set API_TOKEN (an admin token) and LE_FOREM_API_KEY (see examples/typed-client/README.md).');
    process.exit(2);
  }
  publishAndWaitForReview({
    apiUrl: API_URL,
    token: API_TOKEN,
    leForem: { partnerCode: LE_FOREM_PARTNER_CODE, apiKey: LE_FOREM_API_KEY },
  })
    .then((review) => process.exit(review.approved ? 0 : 1))
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
}
