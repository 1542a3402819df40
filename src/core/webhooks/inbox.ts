import { z } from 'zod';
import type { Prisma } from '../../db/generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import {
  type ApplicationLookup,
  type ApplicationSource,
  applyCandidateApplied,
  lookUpApplications,
  type StoredDocument,
} from '../candidates/candidates.ts';
import type { Services } from '../services.ts';
import { checkDocument, safeFileName } from '../documents/files.ts';
import { queueDownload } from '../documents/downloads.ts';
import { publishAfter, type Emit } from '../topics.ts';
import { LIVE_STATUSES, postingByExternalId, transition } from '../postings/postings.ts';
import type { ClaimedRow } from '../queue/claim-loop.ts';
import { inboxEventSchema, type InboxEvent, type StoredInboxEvent } from './inbox-events.ts';

export type InboxDeps = Pick<Services, 'prisma' | 'topics' | 'log' | 'keyring' | 'documents'>;

/** An inbox row claimed from its queue, with what applying it needs (claimDueRows with INBOX_COLUMNS). */
export interface ClaimedInboxRow extends ClaimedRow {
  organization_id: string;
  contract_id: string;
  board_id: string;
  events: unknown;
  received_at: Date;
}

export const INBOX_COLUMNS = 'd.organization_id::text, d.contract_id::text, d.board_id, d.events, d.received_at';

type Applied = Extract<InboxEvent, { type: 'candidate.applied' }>;
type DocumentOutcome = { stored: StoredDocument } | { rejected: string } | undefined;

/** Writes an event's CV to the storage under a key of this row and event, so a retry overwrites rather than adds. */
async function storeDocument(
  deps: InboxDeps,
  organizationId: string,
  rowId: string,
  index: number,
  event: Applied,
): Promise<DocumentOutcome> {
  if (!event.document) return undefined;
  const data = Buffer.from(event.document.contentBase64, 'base64');
  const check = await checkDocument(data, deps.documents.maxBytes);
  if (!check.ok) return { rejected: check.reason };
  const storageKey = `${organizationId}/${rowId}-${index}`;
  await deps.documents.storage.put(storageKey, data, check.contentType);
  return {
    stored: {
      storageKey,
      fileName: safeFileName(event.document.fileName),
      contentType: check.contentType,
      size: data.length,
    },
  };
}

async function applyPostingEvent(
  tx: Prisma.TransactionClient,
  emit: Emit,
  contractId: string,
  event: Exclude<InboxEvent, Applied>,
  log: Logger,
): Promise<void> {
  const posting = await postingByExternalId(tx, contractId, event.externalId);
  if (!posting) {
    log.info(
      { contract: contractId, externalId: event.externalId, event: event.type },
      'A board event names a posting we do not know; ignored',
    );
    return;
  }
  if (event.type === 'posting.reviewed') {
    // A verdict only counts for a posting still waiting for one; a late or repeated one changes nothing.
    if (posting.status !== 'PENDING_REVIEW') return;
    const reason = event.reason ?? null;
    await transition(tx, emit, posting, event.approved ? 'PUBLISHED' : 'REJECTED', {
      message: event.approved ? 'Approved by the board.' : `Rejected by the board: ${reason ?? 'no reason given'}`,
      data: { rejectionReason: event.approved ? null : reason },
      review: { reason },
    });
  } else if (LIVE_STATUSES.includes(posting.status)) {
    await transition(tx, emit, posting, 'EXPIRED', {
      message: event.reason ?? 'Closed by the board.',
      data: { nextPollAt: null },
    });
  }
}

/** A row's lease passed to another worker while this one applied it. */
class LeaseLost extends Error {}

const sourceOf = (claimed: ClaimedInboxRow): ApplicationSource => ({
  organizationId: claimed.organization_id,
  contractId: claimed.contract_id,
  boardId: claimed.board_id,
  receivedAt: new Date(claimed.received_at),
});

/** A claimed row as applying it reads it: where it came from, its events checked, its CVs written to the storage. */
interface PreparedRow {
  claimed: ClaimedInboxRow;
  source: ApplicationSource;
  events: InboxEvent[];
  documents: DocumentOutcome[];
}

async function prepareRow(deps: InboxDeps, claimed: ClaimedInboxRow): Promise<PreparedRow> {
  const events = z.array(inboxEventSchema).parse(claimed.events);
  const documents = await Promise.all(
    events.map((event, index) =>
      event.type === 'candidate.applied'
        ? storeDocument(deps, claimed.organization_id, claimed.id, index, event)
        : undefined,
    ),
  );
  return { claimed, source: sourceOf(claimed), events, documents };
}

/**
 * Applies one row's events inside the transaction: what is kept of them afterwards (the candidates and stored
 * documents named instead of the bytes), the candidates they touched, and the stored CVs left unused.
 */
async function applyRow(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  emit: Emit,
  { claimed, source, events, documents }: PreparedRow,
  lookups: Iterator<ApplicationLookup>,
): Promise<{ stored: StoredInboxEvent[]; candidateIds: string[]; unused: string[] }> {
  const stored: StoredInboxEvent[] = [];
  const candidateIds = new Set<string>();
  const unused: string[] = [];
  for (const [index, event] of events.entries()) {
    if (event.type !== 'candidate.applied') {
      await applyPostingEvent(tx, emit, source.contractId, event, deps.log);
      stored.push(event);
      continue;
    }
    const outcome = documents[index];
    const document = outcome && 'stored' in outcome ? outcome.stored : undefined;
    const { candidateId, documentAttached, createdApplicationId } = await applyCandidateApplied(
      tx,
      emit,
      source,
      event,
      document,
      lookups.next().value!,
    );
    if (document && !documentAttached) unused.push(document.storageKey);
    // A CV behind a link is fetched by a worker afterwards, once per application (a board's retry adds none).
    if (event.documentDownload && createdApplicationId)
      await queueDownload(tx, deps.keyring, {
        organizationId: source.organizationId,
        applicationId: createdApplicationId,
        url: event.documentDownload.url,
        fileName: event.documentDownload.fileName,
      });
    if (outcome && 'rejected' in outcome)
      deps.log.warn(
        { inbox: claimed.id, reason: outcome.rejected },
        'A CV was refused; the candidate is kept without it',
      );
    candidateIds.add(candidateId);
    const { document: _bytes, documentDownload: _link, ...rest } = event;
    stored.push({
      ...rest,
      candidateId,
      ...(event.documentDownload ? { documentDownload: { queued: Boolean(createdApplicationId) } } : {}),
      ...(event.document
        ? {
            document:
              outcome && 'rejected' in outcome
                ? { fileName: event.document.fileName, rejected: outcome.rejected }
                : { fileName: event.document.fileName },
          }
        : {}),
    });
  }
  return { stored, candidateIds: [...candidateIds], unused };
}

/**
 * Applies claimed inbox rows in one transaction: stores their documents, then applies every event, row after row,
 * and marks the rows DONE in one statement, which commits only while this worker still holds every lease (else
 * LeaseLost, and nothing is applied). A transaction per row cost two more round trips per delivery than its
 * statements. What is kept of the events afterwards names the candidates and stored documents instead of carrying
 * the bytes. Throws if any row cannot be applied: the caller then applies each alone (processInboxRow).
 */
export async function processInboxRows(deps: InboxDeps, claimed: readonly ClaimedInboxRow[]): Promise<void> {
  const { prisma, topics: bus } = deps;
  const prepared = await Promise.all(claimed.map((row) => prepareRow(deps, row)));
  const unused: string[] = [];
  await publishAfter(bus, (emit) =>
    prisma.$transaction(
      async (tx) => {
        // What every application of the batch needs to know first, in one statement: the events go in this order.
        const applications = prepared.flatMap((row) =>
          row.events.flatMap((event) => (event.type === 'candidate.applied' ? [{ source: row.source, event }] : [])),
        );
        const lookups = (applications.length > 0 ? await lookUpApplications(tx, applications) : []).values();
        const applied = [];
        for (const row of prepared) applied.push(await applyRow(deps, tx, emit, row, lookups));
        // Raw SQL: Prisma writes a Json value into the query's shape, so its query plan cache never matched this
        // update and compiled it again for every delivery (a tenth of the worker's time).
        const done = await tx.$executeRaw`
          UPDATE webhook_inbox AS w
          SET status = 'DONE', lease_token = NULL, lease_until = NULL, last_error = NULL, processed_at = ${new Date()},
              events = r.events,
              candidate_ids = ARRAY(SELECT jsonb_array_elements_text(r.candidate_ids)::uuid)
          FROM unnest(${claimed.map((row) => row.id)}::uuid[], ${claimed.map((row) => row.lease_token)}::uuid[],
                      ${applied.map((row) => JSON.stringify(row.stored))}::jsonb[],
                      ${applied.map((row) => JSON.stringify(row.candidateIds))}::jsonb[])
            AS r(id, lease_token, events, candidate_ids)
          WHERE w.id = r.id AND w.status = 'PROCESSING' AND w.lease_token = r.lease_token`;
        // A lease ran out and another worker has that row now: its outcome counts, not ours (all of this is undone).
        if (done !== claimed.length) throw new LeaseLost();
        for (const row of applied) unused.push(...row.unused);
      },
      { timeout: 20_000 },
    ),
  );
  if (unused.length > 0) await deps.documents.storage.delete(unused);
}

/** Applies one claimed inbox row (processInboxRows); a row whose lease passed to another worker is left to it. */
export async function processInboxRow(deps: InboxDeps, claimed: ClaimedInboxRow): Promise<void> {
  await processInboxRows(deps, [claimed]).catch((error: unknown) => {
    if (!(error instanceof LeaseLost)) throw error;
  });
}
