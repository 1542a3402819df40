import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applicationFormSchema,
  findApplicationPage,
  submitApplication,
  type ApplicationPage,
} from '../core/candidates/application-page.ts';
import type { Events } from '../core/events.ts';
import type { FeedDeps } from '../core/feeds/open.ts';
import type { Logger } from '../logger.ts';
import { readBody } from './body.ts';
import type { Limit } from './rate-limits.ts';

const ROUTE = /^\/apply\/([0-9a-f-]{36})\/([0-9a-f-]{36})$/i;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=email],input[type=tel]{width:100%;padding:.4rem}
.error{color:#b00020}button{margin-top:1.5rem;padding:.5rem 1.5rem}</style></head><body>${body}</body></html>`;
}

function formPage(page: ApplicationPage, values: Record<string, string>, errors: Record<string, string>): string {
  const value = (key: string) => escapeHtml(values[key] ?? '');
  const error = (key: string) =>
    errors[key] ? `<div class="error" id="${key}-error">${escapeHtml(errors[key])}</div>` : '';
  return layout(
    `Apply: ${page.job.title}`,
    `<h1>${escapeHtml(page.job.title)}</h1><p>${escapeHtml(page.organizationName)}${page.job.city ? ` · ${escapeHtml(page.job.city)}` : ''}</p>
<section>${page.job.description}</section>
<h2>Apply</h2>${error('form')}
<form method="post" enctype="multipart/form-data">
<input type="hidden" name="submissionId" value="${value('submissionId') || randomUUID()}">
<label for="name">Name</label><input type="text" id="name" name="name" required maxlength="300" value="${value('name')}">${error('name')}
<label for="email">E-mail</label><input type="email" id="email" name="email" required maxlength="254" value="${value('email')}">${error('email')}
<label for="phone">Phone (optional)</label><input type="tel" id="phone" name="phone" maxlength="50" value="${value('phone')}">${error('phone')}
<label for="cv">CV (optional: PDF, Word, ODT, RTF or text)</label><input type="file" id="cv" name="cv">${error('cv')}
<label><input type="checkbox" name="consent" value="yes"${values.consent === 'yes' ? ' checked' : ''}> I agree that ${escapeHtml(page.organizationName)} receives and keeps my application.</label>${error('consent')}
<button type="submit">Send my application</button>
</form>`,
  );
}

/**
 * `GET|POST /apply/:contractId/:jobId`: the application page hosted for jobs published through feed boards (their
 * default apply link). A submitted form enters the inbox like a board's application; sending it twice is one.
 */
export function applicationPageRoute(
  deps: FeedDeps & {
    events: Events;
    log: Logger;
    maxDocumentBytes: number;
    limit: Limit;
    addressOf: (request: IncomingMessage) => string;
  },
) {
  const log = deps.log.child({ component: 'application-page' });
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = (request.url ?? '').split('?')[0]!;
    if (!path.startsWith('/apply/')) return false;
    const match = ROUTE.exec(path);
    const page = match ? await findApplicationPage(deps, match[1]!.toLowerCase(), match[2]!.toLowerCase()) : null;
    if (!page) {
      response.writeHead(404, HEADERS).end(layout('Not found', '<h1>This vacancy is no longer open</h1>'));
      return true;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      response.writeHead(200, HEADERS).end(request.method === 'HEAD' ? undefined : formPage(page, {}, {}));
      return true;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
      return true;
    }
    const verdict = await deps.limit.consume(deps.addressOf(request));
    if (!verdict.allowed) {
      response
        .writeHead(429, { ...HEADERS, 'retry-after': String(verdict.retryAfterSeconds) })
        .end(
          layout(
            'Too many applications',
            `<h1>Too many applications from your address</h1><p>Please try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minute(s).</p>`,
          ),
        );
      return true;
    }
    const body = await readBody(request, deps.maxDocumentBytes + 64 * 1024);
    if (body === null) {
      response
        .writeHead(413, { ...HEADERS, connection: 'close' })
        .end(layout('Too large', '<h1>The CV is too large</h1><p>Go back and choose a smaller file.</p>'));
      return true;
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': String(request.headers['content-type'] ?? '') },
      }).formData();
    } catch {
      response
        .writeHead(400, HEADERS)
        .end(formPage(page, {}, { form: 'The form could not be read; please try again.' }));
      return true;
    }
    const values = Object.fromEntries(
      [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const parsed = applicationFormSchema.safeParse(values);
    const file = form.get('cv');
    const cv = file instanceof File && file.size > 0 ? file : undefined;
    const errors: Record<string, string> = {};
    if (!parsed.success)
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    if (cv && cv.size > deps.maxDocumentBytes) errors.cv = 'The CV is too large.';
    if (!parsed.success || Object.keys(errors).length > 0) {
      response.writeHead(400, HEADERS).end(formPage(page, values, errors));
      return true;
    }
    const stored = await submitApplication(deps, page, {
      fields: parsed.data,
      ...(cv
        ? {
            cv: {
              fileName: cv.name || 'cv',
              contentType: cv.type || 'application/octet-stream',
              bytes: Buffer.from(await cv.arrayBuffer()),
            },
          }
        : {}),
    });
    log.info(
      { contract: page.contractId, job: page.job.id, duplicate: !stored },
      'Application received on the hosted page',
    );
    response
      .writeHead(200, HEADERS)
      .end(
        layout(
          'Thank you',
          `<h1>Thank you</h1><p>Your application for ${escapeHtml(page.job.title)} was sent to ${escapeHtml(page.organizationName)}.</p>`,
        ),
      );
    return true;
  };
}
