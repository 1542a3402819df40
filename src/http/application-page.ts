import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applicationFormSchema,
  countView,
  findApplicationPage,
  submitApplication,
  type ApplicationPage,
} from '../core/candidates/application-page.ts';
import type { Services } from '../core/services.ts';
import type { FeedDeps } from '../core/feeds/open.ts';
import { readBody } from './body.ts';
import type { ScreeningQuestion } from '@multiposting/plugin-sdk';
import { type Answer, checkAnswers } from '../core/screening.ts';
import { jobPostingData, scriptJson } from './job-posting-data.ts';
import { PAGE_TEXT, type PageLanguage, type PageText, pageLanguage } from './application-page-text.ts';
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

function layout(title: string, body: string, language: PageLanguage = 'en', head = ''): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=email],input[type=tel]{width:100%;padding:.4rem}
.error{color:#b00020}button{margin-top:1.5rem;padding:.5rem 1.5rem}</style></head><body>${body}</body></html>`;
}

function formPage(
  page: ApplicationPage,
  language: PageLanguage,
  values: Record<string, string>,
  errors: FormErrors,
  /** The page's own address, for its structured data. */
  url?: string,
  answers: Readonly<Record<string, Answer | undefined>> = {},
): string {
  const text = PAGE_TEXT[language];
  const value = (key: string) => escapeHtml(values[key] ?? '');
  const error = (key: keyof FormErrors) =>
    errors[key] ? `<div class="error" id="${key}-error">${escapeHtml(errors[key])}</div>` : '';
  // A submission id that was refused is replaced: the form sent again is a new one.
  const submissionId = errors.form || !values.submissionId ? randomUUID() : value('submissionId');
  const organization = escapeHtml(page.organizationName);
  return layout(
    `${text.apply}: ${page.job.title}`,
    `<h1>${escapeHtml(page.job.title)}</h1><p>${organization}${page.job.city ? ` · ${escapeHtml(page.job.city)}` : ''}</p>
<section>${page.job.description}</section>
<h2>${text.apply}</h2>${error('form')}
<form method="post" enctype="multipart/form-data">
<input type="hidden" name="submissionId" value="${submissionId}">
<label for="name">${text.name}</label><input type="text" id="name" name="name" required maxlength="300" value="${value('name')}">${error('name')}
<label for="email">${text.email}</label><input type="email" id="email" name="email" required maxlength="254" value="${value('email')}">${error('email')}
<label for="phone">${text.phone}</label><input type="tel" id="phone" name="phone" maxlength="50" value="${value('phone')}">${error('phone')}
<label for="cv">${text.cv}</label><input type="file" id="cv" name="cv">${error('cv')}
${questionsHtml(page.questions, text, answers, error)}
<label><input type="checkbox" name="consent" value="yes"${values.consent === 'yes' ? ' checked' : ''}> ${text.consent(organization)}</label>${error('consent')}
<button type="submit">${text.submit}</button>
</form>`,
    language,
    url ? `<script type="application/ld+json">${scriptJson(jobPostingData(page, url))}</script>` : '',
  );
}

type FormError = 'form' | 'name' | 'email' | 'phone' | 'cv' | 'consent';
/** What the page refuses, by field; a screening question's under `q.<its id>`. */
type FormErrors = Partial<Record<FormError | `q.${string}`, string>>;

/** The job's screening questions as form fields, named `q.<id>`, with what the candidate answered. */
function questionsHtml(
  questions: readonly ScreeningQuestion[],
  text: PageText,
  answers: Readonly<Record<string, Answer | undefined>>,
  error: (key: `q.${string}`) => string,
): string {
  if (questions.length === 0) return '';
  const fields = questions.map((question) => {
    const name = `q.${question.id}` as const;
    const legend = `${escapeHtml(question.text)}${question.required ? ' *' : ''}`;
    const given = answers[question.id];
    const choice = (type: 'radio' | 'checkbox', value: string, label: string, checked: boolean) =>
      `<label><input type="${type}" name="${name}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
    const control =
      question.kind === 'FREE_TEXT'
        ? `<textarea id="${name}" name="${name}" maxlength="2000" rows="3">${escapeHtml(typeof given === 'string' ? given : '')}</textarea>`
        : question.kind === 'YES_NO'
          ? choice('radio', 'yes', text.yes, given === true) + choice('radio', 'no', text.no, given === false)
          : question.options
              .map((option) =>
                question.kind === 'SINGLE_CHOICE'
                  ? choice('radio', option, option, given === option)
                  : choice('checkbox', option, option, Array.isArray(given) && given.includes(option)),
              )
              .join('');
    return `<fieldset><legend>${legend}</legend>${control}${error(name)}</fieldset>`;
  });
  return `<h3>${text.questions}</h3>${fields.join('\n')}`;
}

/** The answers a submitted form gives, by question id (yes/no as booleans, several choices as a list). */
function answersOf(questions: readonly ScreeningQuestion[], form: FormData): Record<string, Answer | undefined> {
  const answers: Record<string, Answer | undefined> = {};
  for (const question of questions) {
    const given = form.getAll(`q.${question.id}`).filter((value): value is string => typeof value === 'string');
    answers[question.id] =
      question.kind === 'MULTIPLE_CHOICE'
        ? given
        : question.kind === 'YES_NO'
          ? given[0] === 'yes'
            ? true
            : given[0] === 'no'
              ? false
              : given[0]
          : given[0]?.trim() || undefined;
  }
  return answers;
}

/** The refusal of each field in the page's language; what names no field shows at the top of the form. */
function formErrors(issues: readonly { path: PropertyKey[]; code: string }[], text: PageText) {
  const errors: FormErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (field === 'name') errors.name ??= issue.code === 'too_big' ? text.errors.nameTooLong : text.errors.name;
    else if (field === 'email') errors.email ??= text.errors.email;
    else if (field === 'phone') errors.phone ??= text.errors.phone;
    else if (field === 'consent') errors.consent ??= text.errors.consent;
    else if (field === 'submissionId') errors.form ??= text.errors.outdated;
    else errors.form ??= text.errors.form;
  }
  return errors;
}

/**
 * `GET|POST /apply/:contractId/:jobId`: the application page hosted for jobs published through feed boards (their
 * default apply link). A submitted form enters the inbox like a board's application; sending it twice is one.
 */
export function applicationPageRoute(
  deps: FeedDeps &
    Pick<Services, 'topics' | 'log' | 'documents' | 'publicUrl'> & {
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
      response.writeHead(404, HEADERS).end(layout('Not found', `<h1>${PAGE_TEXT.en.notFound}</h1>`));
      return true;
    }
    const language = pageLanguage(deps.boards.get(page.boardId)?.country);
    const text = PAGE_TEXT[language];
    if (request.method === 'GET' || request.method === 'HEAD') {
      const url = `${deps.publicUrl()}${path}`;
      if (request.method === 'GET') await countView(deps, page);
      response
        .writeHead(200, HEADERS)
        .end(request.method === 'HEAD' ? undefined : formPage(page, language, {}, {}, url));
      return true;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
      return true;
    }
    const verdict = await deps.limit.consume(deps.addressOf(request));
    if (!verdict.allowed) {
      const headers = { ...HEADERS, 'retry-after': String(verdict.retryAfterSeconds) };
      return notice(response, 429, headers, text.tooMany(Math.ceil(verdict.retryAfterSeconds / 60)), language);
    }
    const form = await readForm(request, deps.documents.maxBytes + 64 * 1024);
    if (form === 'too large')
      return notice(response, 413, { ...HEADERS, connection: 'close' }, text.tooLarge, language);
    if (form === 'unreadable') {
      response.writeHead(400, HEADERS).end(formPage(page, language, {}, { form: text.errors.unreadable }));
      return true;
    }
    const values = Object.fromEntries(
      [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const parsed = applicationFormSchema.safeParse(values);
    const file = form.get('cv');
    const cv = file instanceof File && file.size > 0 ? file : undefined;
    const errors = parsed.success ? {} : formErrors(parsed.error.issues, text);
    if (cv && cv.size > deps.documents.maxBytes) errors.cv = text.errors.cvTooLarge;
    const given = answersOf(page.questions, form);
    const screening = checkAnswers(page.questions, given);
    for (const [id, problem] of Object.entries(screening.problems))
      errors[`q.${id}`] = problem === 'required' ? text.errors.answerRequired : text.errors.answerInvalid;
    if (!parsed.success || Object.keys(errors).length > 0) {
      response.writeHead(400, HEADERS).end(formPage(page, language, values, errors, undefined, given));
      return true;
    }
    const stored = await submitApplication(deps, page, {
      fields: parsed.data,
      answers: screening.answers,
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
    const thanks = text.thanks(escapeHtml(page.job.title), escapeHtml(page.organizationName));
    return notice(response, 200, HEADERS, thanks, language);
  };
}

/** A page that only says something: a title and a paragraph. */
function notice(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  [title, body]: readonly [string, string],
  language: PageLanguage,
): true {
  response.writeHead(status, headers).end(layout(title, `<h1>${title}</h1><p>${body}</p>`, language));
  return true;
}

/** The submitted form (multipart or urlencoded), unless it is over `maxBytes` or cannot be read. */
async function readForm(request: IncomingMessage, maxBytes: number): Promise<FormData | 'too large' | 'unreadable'> {
  const body = await readBody(request, maxBytes);
  if (body === null) return 'too large';
  try {
    return await new Response(new Uint8Array(body), {
      headers: { 'content-type': String(request.headers['content-type'] ?? '') },
    }).formData();
  } catch {
    return 'unreadable';
  }
}
