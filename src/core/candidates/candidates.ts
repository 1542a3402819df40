import { randomUUID } from 'node:crypto';
import type { Application, Candidate, Prisma } from '../../db/generated/prisma/client.ts';
import type { Services } from '../services.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { publishAfter, type Emit } from '../topics.ts';
import { announce, endpointsWanting } from '../event-webhooks/outbox.ts';
import { rowId } from '../ids.ts';
import type { InboxEvent, StoredInboxEvent } from '../webhooks/inbox-events.ts';
import { matchJobByTitle } from './matching.ts';
import { isKnockedOut, questionsOf, type StoredAnswer } from '../screening.ts';

export type CandidateDeps = Pick<Services, 'prisma' | 'topics' | 'documents' | 'log'>;

/** Where an application came from: the inbox row of a board's webhook delivery. */
export interface ApplicationSource {
  organizationId: string;
  contractId: string;
  boardId: string;
  receivedAt: Date;
}

/** A CV already written to the document storage, to attach to the candidate. */
export interface StoredDocument {
  storageKey: string;
  fileName: string;
  contentType: string;
  size: number;
}

export class NotPending extends DomainError {
  override name = 'NotPending';
  constructor(readonly candidateId: string) {
    super('This candidate has no application waiting in the pending pool.');
  }
}

type Applied = Extract<InboxEvent, { type: 'candidate.applied' }>;

/** The job an application lands in, with its stages and questions, and the posting it came through if any. */
export interface Target {
  postingId: string | null;
  jobId: string;
  stages: string[];
  questions: Prisma.JsonValue;
}

/** What applying an application needs to know first (lookUpApplications). */
export interface ApplicationLookup {
  /** The candidate of this board application if it arrived before. */
  knownCandidateId: string | null;
  /** The posting the event names with its job, or the job it names. */
  named: Target | null;
}

/**
 * For each application: its candidate if it arrived before, and else the posting it names (by our id or the board's,
 * the newest should a board reuse an id) with its job, or the job an application from the hosted page names (it may
 * have been deleted since). One statement for all, in their order.
 */
export async function lookUpApplications(
  tx: Prisma.TransactionClient,
  applications: readonly { source: ApplicationSource; event: Applied }[],
): Promise<ApplicationLookup[]> {
  const column = <T>(pick: (application: { source: ApplicationSource; event: Applied }) => T) => applications.map(pick);
  const rows = await tx.$queryRaw<(Target & { knownCandidateId: string | null })[]>`
    SELECT a.candidate_id::text AS "knownCandidateId", t."postingId", t."jobId", t.stages, t.questions
    FROM unnest(${column((a) => a.source.contractId)}::uuid[], ${column((a) => a.source.organizationId)}::uuid[],
                ${column((a) => a.event.applicationId)}::text[], ${column((a) => a.event.postingId ?? null)}::uuid[],
                ${column((a) => a.event.externalPostingId ?? null)}::text[], ${column((a) => a.event.jobId ?? null)}::uuid[])
      WITH ORDINALITY AS x(contract_id, organization_id, application_id, posting_id, external_id, job_id, place)
    LEFT JOIN application AS a ON a.contract_id = x.contract_id AND a.board_application_id = x.application_id
    LEFT JOIN LATERAL (
      SELECT * FROM (
        (SELECT 0 AS rank, p.id::text AS "postingId", j.id::text AS "jobId", j.stages, j.questions
         FROM posting AS p JOIN job AS j ON j.id = p.job_id
         WHERE p.id = x.posting_id AND p.contract_id = x.contract_id)
        UNION ALL
        (SELECT 1, p.id::text, j.id::text, j.stages, j.questions
         FROM posting AS p JOIN job AS j ON j.id = p.job_id
         WHERE x.posting_id IS NULL AND p.contract_id = x.contract_id AND p.external_id = x.external_id
         ORDER BY p.created_at DESC LIMIT 1)
        UNION ALL
        SELECT 2, NULL, id::text, stages, questions
        FROM job WHERE id = x.job_id AND organization_id = x.organization_id
      ) AS found ORDER BY rank LIMIT 1
    ) AS t ON true
    ORDER BY x.place`;
  return rows.map(({ knownCandidateId, ...target }) => ({
    knownCandidateId,
    named: target.jobId ? target : null,
  }));
}

/** One of the organisation's jobs as a target, with no posting. */
async function jobTarget(tx: Prisma.TransactionClient, organizationId: string, jobId: string): Promise<Target | null> {
  const [job] = await tx.$queryRaw<Target[]>`
    SELECT NULL AS "postingId", id::text AS "jobId", stages, questions
    FROM job WHERE id = ${jobId}::uuid AND organization_id = ${organizationId}::uuid`;
  return job ?? null;
}

/**
 * Applies a board's `candidate.applied` event, looked up first (lookUpApplications): the application lands in the
 * first stage of the job of the posting it names, else of the one open job its title matches, else in the pending
 * pool. The same board application twice is one application; the same e-mail address is one candidate. Returns the
 * candidate's id, whether the document was attached (a repeated application keeps the document it came with the
 * first time), and the new application's id when this event made one.
 */
export async function applyCandidateApplied(
  tx: Prisma.TransactionClient,
  emit: Emit,
  source: ApplicationSource,
  event: Applied,
  document: StoredDocument | undefined,
  { knownCandidateId, named }: ApplicationLookup,
): Promise<{ candidateId: string; documentAttached: boolean; createdApplicationId?: string }> {
  if (knownCandidateId) return { candidateId: knownCandidateId, documentAttached: false };

  const match = named ? null : await matchJobByTitle(tx, source.organizationId, event.jobTitle);
  const job = named ?? (match && 'jobId' in match ? await jobTarget(tx, source.organizationId, match.jobId) : null);
  const pending = match && 'pending' in match ? match.pending : null;
  const reason =
    pending && event.externalPostingId
      ? `The board's posting ${event.externalPostingId} is not one of ours. ${pending.reason}`
      : (pending?.reason ?? null);

  const answers = event.answers ?? [];
  const knockedOut = isKnockedOut(questionsOf(job?.questions ?? []), answers);
  const person = event.candidate;
  // The candidate of that e-mail address in the organisation, created or brought up to date (a new one without an
  // address), their application, and the endpoints that want to hear of it: one statement.
  const rows = await tx.$queryRaw<
    { candidateId: string; inserted: boolean; applicationId: string | null; endpoint: string | null }[]
  >`
    WITH person AS (
      INSERT INTO candidate (id, organization_id, name, email, phone, city, country_code, profile_url, consent_at,
                             updated_at)
      VALUES (${randomUUID()}::uuid, ${source.organizationId}::uuid, ${person.name}, ${person.email ?? null},
              ${person.phone ?? null}, ${person.city ?? null}, ${person.countryCode ?? null},
              ${person.profileUrl ?? null}, ${person.consentAt ?? null}::timestamptz, now())
      ON CONFLICT (organization_id, email) DO UPDATE SET
        name = EXCLUDED.name,
        phone = COALESCE(EXCLUDED.phone, candidate.phone),
        city = COALESCE(EXCLUDED.city, candidate.city),
        country_code = COALESCE(EXCLUDED.country_code, candidate.country_code),
        profile_url = COALESCE(EXCLUDED.profile_url, candidate.profile_url),
        consent_at = COALESCE(EXCLUDED.consent_at, candidate.consent_at),
        updated_at = now()
      RETURNING id, (xmax = 0) AS inserted
    ), inserted AS (
      INSERT INTO application (id, organization_id, candidate_id, job_id, posting_id, contract_id, board_id, status, stage,
                               board_application_id, job_title, pending_reason, suggested_job_ids, applied_at, updated_at,
                               answers, knocked_out)
      SELECT ${randomUUID()}::uuid, ${source.organizationId}::uuid, person.id, ${job?.jobId ?? null}::uuid,
             ${job?.postingId ?? null}::uuid, ${source.contractId}::uuid, ${source.boardId},
             ${job ? 'ACTIVE' : 'PENDING'}::"ApplicationStatus", ${job?.stages[0] ?? null}, ${event.applicationId},
             ${event.jobTitle ?? null}, ${reason}, ${pending?.suggestedJobIds ?? []}::uuid[],
             ${event.appliedAt ?? source.receivedAt.toISOString()}::timestamptz, now(), ${JSON.stringify(answers)}::jsonb,
             ${knockedOut}
      FROM person
      ON CONFLICT DO NOTHING
      RETURNING id
    )
    SELECT p.id::text AS "candidateId", p.inserted, i.id::text AS "applicationId", e.id::text AS endpoint
    FROM person AS p
    LEFT JOIN inserted AS i ON true
    LEFT JOIN event_endpoint AS e
      ON i.id IS NOT NULL AND ${endpointsWanting(source.organizationId, ['candidate.received'])}`;
  const candidate = { id: rows[0]!.candidateId, inserted: rows[0]!.inserted };
  const application = rows[0]!.applicationId ? { id: rows[0]!.applicationId } : undefined;
  if (!application) {
    // Another delivery of this application won the race, or the candidate already applied to this job.
    if (candidate.inserted) await tx.candidate.delete({ where: { id: candidate.id } });
    const winner = await tx.application.findUnique({
      where: {
        contractId_boardApplicationId: { contractId: source.contractId, boardApplicationId: event.applicationId },
      },
      select: { candidateId: true },
    });
    return { candidateId: winner?.candidateId ?? candidate.id, documentAttached: false };
  }
  if (document)
    await tx.document.create({
      data: { organizationId: source.organizationId, candidateId: candidate.id, ...document },
    });
  await announce(
    tx,
    emit,
    'candidate.received',
    source.organizationId,
    {
      answers,
      knockedOut,
      applicationId: application.id,
      candidateId: candidate.id,
      jobId: job?.jobId ?? null,
      contractId: source.contractId,
      boardId: source.boardId,
    },
    rows.flatMap((row) => (row.endpoint ? [row.endpoint] : [])),
  );
  return { candidateId: candidate.id, documentAttached: Boolean(document), createdApplicationId: application.id };
}

async function ownCandidate(
  tx: Prisma.TransactionClient,
  organizationId: string,
  candidateId: string,
): Promise<Candidate> {
  const candidate = await tx.candidate.findFirst({ where: { id: rowId(candidateId), organizationId } });
  if (!candidate) throw new NotFoundError('candidate', candidateId);
  return candidate;
}

/** Moves the candidate's pending applications into the job's first stage. Returns the application to that job. */
export async function assignPendingCandidate(
  deps: CandidateDeps,
  organizationId: string,
  candidateId: string,
  jobId: string,
): Promise<Application> {
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      await ownCandidate(tx, organizationId, candidateId);
      const job = await tx.job.findFirst({ where: { id: rowId(jobId), organizationId } });
      if (!job) throw new NotFoundError('job', jobId);
      const pending = await tx.application.findMany({
        where: { candidateId, status: 'PENDING' },
        orderBy: { appliedAt: 'asc' },
      });
      if (pending.length === 0) throw new NotPending(candidateId);
      let assigned = await tx.application.findFirst({ where: { candidateId, jobId: job.id } });
      for (const application of pending) {
        if (assigned) {
          // Already in this job's pipeline: the pending application is the same application.
          await tx.application.delete({ where: { id: application.id } });
          continue;
        }
        const posting = await tx.posting.findFirst({
          where: { jobId: job.id, contractId: application.contractId },
          orderBy: { createdAt: 'desc' },
          select: { id: true },
        });
        const answers = Array.isArray(application.answers) ? (application.answers as unknown as StoredAnswer[]) : [];
        assigned = await tx.application.update({
          where: { id: application.id },
          data: {
            jobId: job.id,
            postingId: posting?.id ?? null,
            status: 'ACTIVE',
            stage: job.stages[0] ?? null,
            pendingReason: null,
            suggestedJobIds: [],
            // Pending, it had no job to answer to: its answers are judged against this job's questions now.
            knockedOut: isKnockedOut(questionsOf(job.questions), answers),
          },
        });
        await announce(tx, emit, 'candidate.received', organizationId, {
          answers,
          knockedOut: assigned.knockedOut,
          applicationId: assigned.id,
          candidateId,
          jobId: job.id,
          contractId: assigned.contractId,
          boardId: assigned.boardId,
        });
      }
      return assigned!;
    }),
  );
}

/** Takes the candidate's applications out of the pending pool without a job. */
export async function rejectPendingCandidate(
  deps: CandidateDeps,
  organizationId: string,
  candidateId: string,
): Promise<Candidate> {
  return deps.prisma.$transaction(async (tx) => {
    const candidate = await ownCandidate(tx, organizationId, candidateId);
    const { count } = await tx.application.updateMany({
      where: { candidateId, status: 'PENDING' },
      data: { status: 'REJECTED' },
    });
    if (count === 0) throw new NotPending(candidateId);
    return candidate;
  });
}

/** What is left of a candidate's event in the inbox once they are erased: ids, no personal data. */
function scrubbed(event: StoredInboxEvent, candidateId: string): StoredInboxEvent {
  if (event.type !== 'candidate.applied' || event.candidateId !== candidateId) return event;
  return {
    type: event.type,
    applicationId: event.applicationId,
    ...(event.externalPostingId ? { externalPostingId: event.externalPostingId } : {}),
    candidateId,
    candidate: { erased: true },
    ...(event.document ? { document: { erased: true } } : {}),
  } as unknown as StoredInboxEvent;
}

/**
 * Erases a candidate (the right to erasure): their applications, documents (rows and bytes) and the personal
 * fields of the webhook deliveries that brought them, of which only ids and counts remain.
 */
export async function deleteCandidate(
  deps: CandidateDeps,
  organizationId: string,
  candidateId: string,
): Promise<{ id: string; applications: number; documents: number }> {
  const result = await deps.prisma.$transaction(async (tx) => {
    const candidate = await ownCandidate(tx, organizationId, candidateId);
    const documents = await tx.document.findMany({
      where: { candidateId: candidate.id },
      select: { storageKey: true },
    });
    const applications = await tx.application.count({ where: { candidateId: candidate.id } });
    const deliveries = await tx.webhookInbox.findMany({
      where: { candidateIds: { has: candidate.id } },
      select: { id: true, events: true, candidateIds: true },
    });
    for (const delivery of deliveries) {
      await tx.webhookInbox.update({
        where: { id: delivery.id },
        data: {
          events: (delivery.events as unknown as StoredInboxEvent[]).map((event) =>
            scrubbed(event, candidate.id),
          ) as unknown as Prisma.InputJsonValue,
          candidateIds: delivery.candidateIds.filter((id) => id !== candidate.id),
        },
      });
    }
    // The screening answers sent in candidate.received events, delivered or waiting, go too.
    await tx.$executeRaw`
      UPDATE event_delivery SET payload = jsonb_set(payload, '{data,answers}', '[]'::jsonb, false)
      WHERE organization_id = ${organizationId}::uuid AND ordering_key = ${`candidate:${candidate.id}`}`;
    await tx.candidate.delete({ where: { id: candidate.id } });
    return { id: candidate.id, applications, storageKeys: documents.map((document) => document.storageKey) };
  });
  try {
    await deps.documents.storage.delete(result.storageKeys);
  } catch (error) {
    deps.log.error(
      { candidate: result.id, err: (error as Error).message },
      "Erased a candidate but could not delete their documents' bytes",
    );
    throw error;
  }
  return { id: result.id, applications: result.applications, documents: result.storageKeys.length };
}
