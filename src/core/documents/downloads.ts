import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../db/generated/prisma/client.ts';
import type { Keyring, Sealed } from '../crypto.ts';
import type { Services } from '../services.ts';
import { privateDestination } from '../private-hosts.ts';
import type { ClaimedRow } from '../queue/claim-loop.ts';
import { checkDocument, safeFileName } from './files.ts';

export type DownloadDeps = Pick<Services, 'prisma' | 'keyring' | 'log' | 'documents' | 'allowPrivateAddresses'>;

/** A download claimed from its queue (claimDueRows on document_download). */
export type ClaimedDownload = ClaimedRow;

/** How hard to try: attempts before giving up, the wait before each retry, and one request's time limit. */
export interface DownloadPolicy {
  maxAttempts: number;
  retryDelay: (attempts: number) => number;
  timeoutMs: number;
}

const urlContext = (downloadId: string) => `document_download:${downloadId}:url`;
const MAX_REDIRECTS = 3;

/** Queues the download of a CV the board serves behind a link; the link is kept encrypted until it is used. */
export async function queueDownload(
  tx: Prisma.TransactionClient,
  keyring: Keyring,
  download: { organizationId: string; applicationId: string; url: string; fileName?: string | undefined },
): Promise<void> {
  const id = randomUUID();
  await tx.documentDownload.create({
    data: {
      id,
      organizationId: download.organizationId,
      applicationId: download.applicationId,
      url: JSON.stringify(keyring.seal(download.url, urlContext(id))),
      fileName: download.fileName ?? null,
    },
  });
}

type Fetched = { ok: true; data: Buffer } | { ok: false; retry: boolean; reason: string };

/** Reads the body, giving up past `maxBytes` (the document would be refused anyway). */
async function readCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
}

/** Fetches the link, following a few redirects, each checked like the link itself. */
async function fetchDocument(link: string, deps: DownloadDeps, timeoutMs: number): Promise<Fetched> {
  const signal = AbortSignal.timeout(timeoutMs);
  let target = new URL(link);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (!deps.allowPrivateAddresses) {
      const refused = target.protocol !== 'https:' ? 'it is not https' : await privateDestination(target);
      if (refused) return { ok: false, retry: false, reason: `The board's CV link was not followed: ${refused}.` };
    }
    let response: Response;
    try {
      response = await fetch(target, { redirect: 'manual', signal });
    } catch {
      return {
        ok: false,
        retry: true,
        reason: signal.aborted ? 'The CV download timed out.' : 'The CV link could not be reached.',
      };
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      target = new URL(location, target);
      continue;
    }
    if (response.ok) {
      const data = await readCapped(response, deps.documents.maxBytes).catch(() => null);
      if (data === null) return { ok: false, retry: true, reason: 'The CV download was cut off.' };
      if (!data) return { ok: false, retry: false, reason: `The CV is larger than ${deps.documents.maxBytes} bytes.` };
      return { ok: true, data };
    }
    await response.body?.cancel();
    const retry = response.status === 429 || response.status >= 500;
    return {
      ok: false,
      retry,
      reason: retry
        ? `The board could not serve the CV (HTTP ${response.status}).`
        : `The board's CV link has expired or was already used (HTTP ${response.status}).`,
    };
  }
  return { ok: false, retry: false, reason: 'The CV link redirects too many times.' };
}

/**
 * Downloads one claimed CV and attaches it to the candidate. A failure worth retrying (no answer, 5xx, 429) is
 * tried again later; any other, or the last attempt, gives up: the application keeps saying why, and the link is
 * forgotten either way.
 */
export async function downloadDocument(
  deps: DownloadDeps,
  claimed: ClaimedDownload,
  policy: DownloadPolicy,
): Promise<void> {
  const { prisma, keyring, documents } = deps;
  const row = await prisma.documentDownload.findUniqueOrThrow({
    where: { id: claimed.id },
    include: { application: { select: { candidateId: true } } },
  });
  const owned = { id: row.id, status: 'PROCESSING' as const, leaseToken: claimed.lease_token };
  const link = keyring.open(JSON.parse(row.url) as Sealed, urlContext(row.id));
  const fetched = await fetchDocument(link, deps, policy.timeoutMs);
  const checked = fetched.ok ? await checkDocument(fetched.data, documents.maxBytes) : undefined;
  if (!fetched.ok || !checked?.ok) {
    const reason = !fetched.ok ? fetched.reason : checked && !checked.ok ? checked.reason : 'Refused.';
    const retry = !fetched.ok && fetched.retry && claimed.attempts < policy.maxAttempts;
    await prisma.documentDownload.updateMany({
      where: owned,
      data: retry
        ? {
            status: 'PENDING',
            leaseToken: null,
            leaseUntil: null,
            lastError: reason,
            availableAt: new Date(Date.now() + policy.retryDelay(claimed.attempts)),
          }
        : { status: 'FAILED', leaseToken: null, leaseUntil: null, lastError: reason, url: '' },
    });
    deps.log.warn(
      { download: row.id, attempt: claimed.attempts, reason },
      retry ? 'Could not download a CV; retrying' : 'Gave up downloading a CV; the candidate is kept without it',
    );
    return;
  }
  const storageKey = `${row.organizationId}/download-${row.id}`;
  await documents.storage.put(storageKey, fetched.data, checked.contentType);
  const attached = await prisma.$transaction(async (tx) => {
    const documentId = randomUUID();
    const done = await tx.documentDownload.updateMany({
      where: owned,
      data: { status: 'DONE', leaseToken: null, leaseUntil: null, lastError: null, url: '', documentId },
    });
    // Our lease ran out and another worker has the row now: its outcome counts, not ours.
    if (done.count === 0) return false;
    await tx.document.create({
      data: {
        id: documentId,
        organizationId: row.organizationId,
        candidateId: row.application.candidateId,
        storageKey,
        fileName: safeFileName(row.fileName ?? 'cv'),
        contentType: checked.contentType,
        size: fetched.data.length,
      },
    });
    return true;
  });
  if (!attached) await documents.storage.delete([storageKey]);
}
