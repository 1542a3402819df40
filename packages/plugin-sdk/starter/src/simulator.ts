import { randomUUID } from 'node:crypto';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';

/** API keys of two employers the simulator knows, and one it refuses (well-formed, unknown). */
export const API_KEYS = {
  valid: 'sim-key-0123456789abcdef',
  other: 'sim-key-fedcba9876543210',
  refused: 'sim-key-unknown-000000',
};

interface Job {
  id: string;
  owner: string;
  title: string;
  status: 'LIVE' | 'IN_REVIEW' | 'REJECTED' | 'CLOSED';
}

/** The part of the board's API the plugin uses, answering as the real board does (as far as you know it). */
export async function startBoardSimulator() {
  const jobs = new Map<string, Job>();
  const byIdempotencyKey = new Map<string, Job>();
  const owner = (headers: Record<string, string | string[] | undefined>) => {
    const key = String(headers.authorization ?? '').replace(/^Bearer /, '');
    return key === API_KEYS.valid || key === API_KEYS.other ? key : undefined;
  };
  const view = (job: Job) => ({ id: job.id, status: job.status, url: `https://board.example/jobs/${job.id}` });
  return startSimulator({
    'GET /v1/account': ({ headers }) =>
      owner(headers) ? { json: { name: 'Example employer' } } : { status: 401, json: { error: 'unknown key' } },
    'POST /v1/jobs': ({ headers, body }) => {
      const account = owner(headers);
      if (!account) return { status: 401, json: { error: 'unknown key' } };
      const key = String(headers['idempotency-key'] ?? '');
      if (!key) return { status: 400, json: { error: 'Idempotency-Key is required' } };
      const title = String((body as { title?: unknown }).title ?? '');
      if (!title) return { status: 422, json: { error: 'title is required' } };
      const known = byIdempotencyKey.get(key);
      if (known) return { status: 200, json: view(known) };
      const job: Job = { id: randomUUID(), owner: account, title, status: 'LIVE' };
      jobs.set(job.id, job);
      byIdempotencyKey.set(key, job);
      return { status: 201, json: view(job) };
    },
    'PUT /v1/jobs/:id': ({ headers, params }) => {
      const job = jobs.get(params.id!);
      if (!owner(headers)) return { status: 401, json: { error: 'unknown key' } };
      if (!job || job.owner !== owner(headers)) return { status: 404, json: { error: 'no such job' } };
      return { json: view(job) };
    },
    'DELETE /v1/jobs/:id': ({ headers, params }) => {
      const job = jobs.get(params.id!);
      if (!owner(headers)) return { status: 401, json: { error: 'unknown key' } };
      if (!job || job.owner !== owner(headers)) return { status: 404, json: { error: 'no such job' } };
      job.status = 'CLOSED';
      return { status: 204 };
    },
    'GET /v1/jobs/:id': ({ headers, params }) => {
      const job = jobs.get(params.id!);
      if (!owner(headers)) return { status: 401, json: { error: 'unknown key' } };
      if (!job || job.owner !== owner(headers)) return { status: 404, json: { error: 'no such job' } };
      return { json: view(job) };
    },
  });
}
