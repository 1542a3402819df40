import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { Api, type FieldError } from './api.ts';
import { ContractPage, type ContractSummary } from './contract-page.ts';
import { sandboxAccessSection } from './france-travail.ts';
import { connectForm, field, fillValues, h, readValues, schemaFields, showErrors, type Board } from './forms.ts';

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const STORAGE = 'multiposting-console-token';

let api: Api | undefined;
let boards: Board[] = [];
let contracts: ContractSummary[] = [];
const stops: (() => void)[] = [];
let viewer: { id: string; email: string; role: string } | undefined;
let contractPage: ContractPage;

const BOARDS = `{ boards { id name countryName instructions connectMutation environments postingFieldsSchema confirmations { key label }
  credentialFields { key label help type required secret options pattern } } viewer { organization { name } user { id email role } } }`;
const CONTRACTS = `{ contracts(first: 50) { edges { node { id boardId environment status statusReason nextAction { code message } alias board { name } } } } }`;
const POSTING =
  'id status withdrawalQueued closeAt nextAction { code message } rejectionReason lastError fieldErrors { path message } boardWarnings externalId boardFields job { id title } board { id name } events { at to message }';
const POSTINGS = `{ postings(first: 30) { edges { node { ${POSTING} } } } }`;
const CANDIDATES = `{ jobs(first: 20, status: OPEN) { edges { node { id title stages
    applications(first: 50) { edges { node { id stage candidate { id name email cv { fileName link { url } } } } } } } } }
  pendingCandidates(first: 20) { edges { node { candidate { id name } jobTitle pendingReason suggestedJobs { id title } } } } }`;

async function signIn(token: string): Promise<void> {
  const candidate = new Api(token);
  try {
    const data = await candidate.request(BOARDS);
    boards = data.boards;
    api = candidate;
    sessionStorage.setItem(STORAGE, token);
    $('#who').textContent = `${data.viewer.organization.name} · ${data.viewer.user.email} (${data.viewer.user.role})`;
    viewer = data.viewer.user;
  } catch (error) {
    $('[data-error="token"]').textContent = (error as Error).message;
    return;
  }
  contractPage = new ContractPage($('#contract-page'), {
    api,
    postingFields: POSTING,
    renderPosting: postingItem,
    boards: () => boards,
    changed: loadContracts,
  });
  $('#sign-in').hidden = true;
  $('#app').hidden = false;
  $('#sign-out').hidden = false;
  renderBoardChoice();
  await Promise.all([loadContracts(), loadPostings(), loadJobs(), loadCandidates(), loadFigures(), loadDetails()]);
  listen();
}

function signOut(): void {
  for (const stop of stops.splice(0)) stop();
  api?.close();
  api = undefined;
  sessionStorage.removeItem(STORAGE);
  location.reload();
}

// Contracts ------------------------------------------------------------------------------------------------

async function loadContracts(): Promise<void> {
  contracts = (await api!.request(CONTRACTS)).contracts.edges.map((edge: { node: unknown }) => edge.node);
  $('#contracts tbody').replaceChildren(
    ...contracts.map((contract) =>
      h(
        'tr',
        { 'data-contract': contract.id },
        h('td', {}, openButton(contract)),
        h('td', {}, contract.environment),
        h('td', { class: 'status' }, contract.status),
        h('td', {}, contract.statusReason ?? ''),
        h('td', { class: 'next-action', 'data-code': contract.nextAction.code }, contract.nextAction.message),
      ),
    ),
  );
  renderPublishForm();
}

/** The contract's name in the table opens its page. */
function openButton(contract: (typeof contracts)[number]): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'link', 'data-open-contract': contract.id },
    contract.alias ?? contract.board?.name ?? contract.boardId,
  );
  button.onclick = () => void contractPage.open(contract.id);
  return button;
}

/** How the pages name an environment that is not production, e.g. "Le Forem | Belgium (Acceptance Testing)". */
const ENVIRONMENT_NAMES: Record<string, string> = { ACCEPTANCE: 'Acceptance Testing', SANDBOX: 'Sandbox' };

const entryName = (board: Board, environment: string) =>
  environment === 'PRODUCTION'
    ? `${board.name} (${board.countryName})`
    : `${board.name} | ${board.countryName} (${ENVIRONMENT_NAMES[environment] ?? environment})`;

/** The board picker: a search over boards(search:), one entry per board and environment. */
function renderBoardChoice(): void {
  const search = $<HTMLInputElement>('#board-search');
  const show = async () => {
    const term = search.value.trim();
    const found: { id: string }[] = term
      ? (await api!.request('query ($search: String) { boards(search: $search) { id } }', { search: term })).boards
      : boards;
    if (search.value.trim() !== term) return;
    $('#board-results').replaceChildren(
      ...found.flatMap(({ id }) => {
        const board = boards.find((item) => item.id === id)!;
        return board.environments.map((environment) => {
          const pick = h(
            'button',
            { type: 'button', 'data-board': id, 'data-environment': environment },
            entryName(board, environment),
          );
          pick.onclick = () => renderConnectForm(board, environment);
          return h('li', {}, pick);
        });
      }),
    );
  };
  search.oninput = () => void show();
  void show();
}

function renderConnectForm(board: Board, environment: string): void {
  $('#board-instructions').replaceChildren(h('h4', {}, entryName(board, environment)), h('div', {}));
  // The plugin's instructions are Markdown from a third party: rendered, then sanitised before they reach the page.
  ($('#board-instructions').lastElementChild as HTMLElement).innerHTML = DOMPurify.sanitize(
    marked.parse(board.instructions, { async: false }),
  );
  const form = $<HTMLFormElement>('#connect');
  form.replaceChildren(...connectForm(board, environment));
  $('#board-extra').replaceChildren(
    ...(board.id === 'france-travail' && environment === 'SANDBOX' ? [sandboxAccessSection(api!)] : []),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const values = readValues(form, 'input');
    const inputType = `${board.connectMutation.charAt(0).toUpperCase()}${board.connectMutation.slice(1)}Input`;
    const mutation = `mutation ($input: ${inputType}!) { result: ${board.connectMutation}(input: $input) {
      __typename ... on Contract { id status statusReason } ... on ValidationError { fieldErrors { path message } } ... on Error { message } } }`;
    try {
      const { result } = await api!.request(mutation, { input: { credentials: {}, ...values } });
      if (result.__typename === 'ValidationError') return showErrors(form, result.fieldErrors, 'input');
      if (result.__typename !== 'Contract')
        return showErrors(form, [{ path: ['input'], message: result.message }], 'input');
      showErrors(form, [], 'input');
      form.reset();
      await loadContracts();
    } catch (error) {
      showErrors(form, [{ path: ['input'], message: (error as Error).message }], 'input');
    }
  };
}

// Publishing -----------------------------------------------------------------------------------------------

/** The active contracts the publish form was drawn for: it is drawn again only when they change. */
let publishFormFor: string | undefined;

function renderPublishForm(): void {
  const form = $<HTMLFormElement>('#publish');
  const active = contracts.filter((contract) => contract.status === 'ACTIVE');
  // Redrawing would empty what the recruiter is typing: only a change of the contracts to choose from does.
  const drawnFor = JSON.stringify(active.map((contract) => [contract.id, contract.alias]));
  if (drawnFor === publishFormFor) return;
  publishFormFor = drawnFor;
  if (active.length === 0) {
    form.replaceChildren(h('p', { class: 'help' }, 'Connect a board first.'));
    return;
  }
  const previous = form.querySelector<HTMLSelectElement>('[data-path="contractId"]')?.value;
  const contractSelect = h(
    'select',
    { id: 'field-contractId', 'data-path': 'contractId' },
    ...active.map((contract) =>
      h(
        'option',
        { value: contract.id },
        `${contract.alias ?? contract.board?.name ?? contract.boardId} (${contract.environment})`,
      ),
    ),
  );
  if (previous && active.some((contract) => contract.id === previous)) contractSelect.value = previous;
  const boardFields = h('div', { id: 'board-fields' });
  const renderBoardFields = () => {
    const board = boards.find(
      (item) => item.id === active.find((contract) => contract.id === contractSelect.value)?.boardId,
    );
    boardFields.replaceChildren(
      ...(board?.postingFieldsSchema
        ? [schemaFields(board.postingFieldsSchema, 'boardFields', false, `${board.name} fields`)]
        : []),
    );
  };
  contractSelect.onchange = renderBoardFields;
  const text = (path: string, label: string, attributes: Record<string, string | boolean> = {}) =>
    field(path, label, h('input', { type: 'text', ...attributes }));
  const checkbox = (path: string, label: string) => field(path, label, h('input', { type: 'checkbox' }));
  form.replaceChildren(
    text('input.title', 'Job title *'),
    field('input.description', 'Description (HTML) *', h('textarea', { rows: '3' })),
    text('input.location.city', 'City'),
    text('input.location.countryCode', 'Country (ISO code)'),
    checkbox('input.onWebsite', 'Shown on our careers site (feeds that mirror it take it too)'),
    h('label', { for: 'field-contractId' }, 'Contract'),
    contractSelect,
    h('p', { class: 'error', 'data-error': 'contractId' }),
    boardFields,
    h(
      'fieldset',
      { class: 'schedule' },
      h('legend', {}, 'When (optional)'),
      text('input.publishAt', 'Publish at', { type: 'datetime-local' }),
      text('input.closeAt', 'Take off at', { type: 'datetime-local' }),
      checkbox('input.closeWithContract', 'Take off when the contract expires'),
    ),
    h('p', { class: 'error', 'data-error': 'publish' }),
    h('button', { type: 'submit' }, 'Publish'),
  );
  renderBoardFields();
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      const { title, description, location, onWebsite } = readValues(form, 'input');
      const job = (
        await api!.request(
          `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename ... on Job { id } ... on ValidationError { fieldErrors { path message } } } }`,
          { input: { title, description, location, onWebsite } },
        )
      ).createJob;
      if (job.__typename !== 'Job') return showErrors(form, job.fieldErrors, 'publish');
      const boardFieldValues = readValues(form, 'boardFields');
      const posting = (
        await api!.request(
          `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id } ... on ValidationError { fieldErrors { path message } } ... on Error { message } } }`,
          {
            input: {
              jobId: job.id,
              contractId: contractSelect.value,
              boardFields: boardFieldValues,
              ...schedule(form),
            },
          },
        )
      ).publishPosting;
      if (posting.__typename === 'ValidationError') {
        // The job stays; the next try creates another, so remove this one to leave nothing half-done.
        await api!.request(`mutation ($id: ID!) { deleteJob(id: $id) { __typename } }`, { id: job.id });
        return showErrors(
          form,
          posting.fieldErrors.map((error: FieldError) => ({
            ...error,
            path: error.path[0] === 'jobId' ? ['publish'] : error.path,
          })),
          'publish',
        );
      }
      if (posting.__typename !== 'Posting')
        return showErrors(form, [{ path: ['publish'], message: posting.message }], 'publish');
      showErrors(form, [], 'publish');
      await Promise.all([loadPostings(), loadJobs()]);
    } catch (error) {
      showErrors(form, [{ path: ['publish'], message: (error as Error).message }], 'publish');
    }
  };
}

/** The publication's times: the inputs show local time, the API takes instants. */
function schedule(form: HTMLFormElement): Record<string, unknown> {
  const value = (path: string) => form.querySelector<HTMLInputElement>(`[data-path="${path}"]`)!;
  const instant = (path: string) => (value(path).value ? new Date(value(path).value).toISOString() : undefined);
  return {
    ...(instant('input.publishAt') ? { publishAt: instant('input.publishAt') } : {}),
    ...(instant('input.closeAt') ? { closeAt: instant('input.closeAt') } : {}),
    ...(value('input.closeWithContract').checked ? { closeWithContract: true } : {}),
  };
}

// Postings and candidates, live ----------------------------------------------------------------------------

type Posting = {
  id: string;
  status: string;
  withdrawalQueued: boolean;
  nextAction: { code: string; message: string };
  rejectionReason: string | null;
  lastError: string | null;
  fieldErrors: { path: string[]; message: string }[];
  boardWarnings: string[];
  externalId: string | null;
  boardFields: Record<string, unknown>;
  job: { id: string; title: string };
  board: { id: string; name: string } | null;
  events: { at: string; to: string | null; message: string | null }[];
  closeAt: string | null;
};
const reviews = new Map<string, string>();

function postingItem(posting: Posting): HTMLElement {
  const timeline = posting.events
    .filter((event) => event.to)
    .map((event) => `${new Date(event.at).toLocaleTimeString()} ${event.to}`)
    .join(' → ');
  return h(
    'li',
    { 'data-posting': posting.id },
    h('strong', {}, posting.job.title),
    ` on ${posting.board?.name ?? '?'} — `,
    h('span', { class: 'status' }, posting.status),
    ...(posting.withdrawalQueued ? [' (withdrawal queued)'] : []),
    h('div', { class: 'timeline' }, timeline),
    h('div', { class: 'next-action', 'data-code': posting.nextAction.code }, posting.nextAction.message),
    ...(posting.closeAt
      ? [h('div', { class: 'closes' }, `Taken off at ${new Date(posting.closeAt).toLocaleString()}`)]
      : []),
    postingActions(posting),
    ...(reviews.has(posting.id) ? [h('div', { class: 'review' }, reviews.get(posting.id)!)] : []),
    ...(posting.boardWarnings.length > 0
      ? [h('ul', { class: 'board-warnings' }, ...posting.boardWarnings.map((warning) => h('li', {}, warning)))]
      : []),
    ...(posting.fieldErrors.length > 0
      ? [
          h(
            'ul',
            { class: 'field-errors' },
            ...posting.fieldErrors.map((error) =>
              h('li', { 'data-error': error.path.join('.') }, `${error.path.slice(1).join('.')}: ${error.message}`),
            ),
          ),
        ]
      : posting.lastError && ['FAILED', 'REJECTED'].includes(posting.status)
        ? [h('div', { class: 'error' }, posting.lastError)]
        : []),
  );
}

const LIVE = ['QUEUED', 'SUBMITTED', 'PENDING_REVIEW', 'PUBLISHED', 'UPDATE_QUEUED'];
const ENDED = ['EXPIRED', 'WITHDRAWN', 'REJECTED'];

/** The buttons for what can be done to a posting now; a refusal shows under them. */
function postingActions(posting: Posting): HTMLElement {
  const result = h('p', { class: 'error', 'data-error': 'action' });
  const run = (mutation: string) => async () => {
    const answer = Object.values(
      await api!.request(
        `mutation ($id: ID!) { ${mutation}(id: $id) { __typename ... on Posting { id } ... on Error { message } } }`,
        { id: posting.id },
      ),
    )[0] as { __typename: string; id?: string; message?: string };
    if (answer.__typename !== 'Posting') result.textContent = answer.message ?? answer.__typename;
    else if (answer.id !== posting.id) await refreshPosting(answer.id!);
    await refreshPosting(posting.id);
  };
  const button = (label: string, mutation: string) => {
    const element = h('button', { type: 'button', 'data-action': mutation }, label);
    element.onclick = () => void run(mutation)();
    return element;
  };
  const buttons = [
    ...(LIVE.includes(posting.status) && !posting.withdrawalQueued
      ? [button(posting.nextAction.code === 'WITHDRAW_AGAIN' ? 'Withdraw again' : 'Withdraw', 'withdrawPosting')]
      : []),
    ...(posting.status === 'FAILED' ? [button('Retry', 'retryPosting')] : []),
    ...(['PUBLISHED', 'PENDING_REVIEW'].includes(posting.status) && boardOf(posting)?.postingFieldsSchema
      ? [editButton(posting)]
      : []),
    ...(ENDED.includes(posting.status) ? [button('Repost (one credit)', 'repostPosting')] : []),
  ];
  return h('div', { class: 'actions' }, ...buttons, result);
}

const boardOf = (posting: Posting) => boards.find((board) => board.id === posting.board?.id);

/** Opens a form of the posting's board fields under it, filled in; saving sends updatePosting. */
function editButton(posting: Posting): HTMLElement {
  const button = h('button', { type: 'button', 'data-action': 'editBoardFields' }, 'Edit board fields');
  button.onclick = () => {
    const item = button.closest('li')!;
    item.querySelector('form.board-fields')?.remove();
    const board = boardOf(posting)!;
    const form = h(
      'form',
      { class: 'board-fields', novalidate: true },
      schemaFields(board.postingFieldsSchema!, 'boardFields', false, `${board.name} fields`),
      h('p', { class: 'error', 'data-error': 'boardFields' }),
      h('button', { type: 'submit' }, 'Update on the board'),
    );
    fillValues(form, 'boardFields', posting.boardFields);
    form.onsubmit = async (event) => {
      event.preventDefault();
      const { updatePosting: result } = await api!.request(
        `mutation ($id: ID!, $boardFields: JSON) { updatePosting(id: $id, boardFields: $boardFields) {
          __typename ... on ValidationError { fieldErrors { path message } } ... on Error { message } } }`,
        { id: posting.id, boardFields: readValues(form, 'boardFields') },
      );
      if (result.__typename === 'ValidationError') return showErrors(form, result.fieldErrors, 'boardFields');
      if (result.__typename !== 'Posting')
        return showErrors(form, [{ path: ['boardFields'], message: result.message }], 'boardFields');
      await refreshPosting(posting.id);
    };
    item.append(form);
    form.querySelector<HTMLElement>('input, select')?.focus();
  };
  return button;
}

/** The jobs with their postings on every board: one job's publications together. */
async function loadJobs(): Promise<void> {
  const { jobs } = await api!.request(
    `{ jobs(first: 20) { edges { node { id title status postings(first: 20) { edges { node { ${POSTING} } } } } } } }`,
  );
  $('#jobs').replaceChildren(
    ...jobs.edges
      .filter(({ node }: { node: { postings: { edges: unknown[] } } }) => node.postings.edges.length > 0)
      .map(
        ({ node }: { node: { id: string; title: string; status: string; postings: { edges: { node: Posting }[] } } }) =>
          h(
            'li',
            { 'data-job': node.id },
            h('strong', {}, node.title),
            ` (${node.status})`,
            h(
              'ul',
              { 'aria-label': `Postings of ${node.title}` },
              ...node.postings.edges.map((edge) => postingItem(edge.node)),
            ),
          ),
      ),
  );
}

async function loadPostings(): Promise<void> {
  const postings: Posting[] = (await api!.request(POSTINGS)).postings.edges.map((edge: { node: Posting }) => edge.node);
  $('#postings').replaceChildren(...postings.map(postingItem));
}

/** Shows a posting again wherever it is listed (all postings, its contract's page, its job). */
async function refreshPosting(id: string): Promise<void> {
  const { posting } = await api!.request(`query ($id: ID!) { posting(id: $id) { ${POSTING} } }`, { id });
  const shown = document.querySelectorAll(`[data-posting="${CSS.escape(id)}"]`);
  for (const existing of shown) existing.replaceWith(postingItem(posting));
  if (!document.querySelector(`#postings [data-posting="${CSS.escape(id)}"]`))
    $('#postings').prepend(postingItem(posting));
}

type PipelineJob = {
  id: string;
  title: string;
  stages: string[];
  applications: {
    edges: {
      node: {
        id: string;
        stage: string | null;
        candidate: {
          id: string;
          name: string;
          email: string | null;
          cv: { fileName: string; link: { url: string } } | null;
        };
      };
    }[];
  };
};

type Pending = {
  candidate: { id: string; name: string };
  jobTitle: string | null;
  pendingReason: string | null;
  suggestedJobs: ({ id: string; title: string } | null)[];
};

/** Each open job's candidates by pipeline stage (with their CV), and the pending pool with its suggested jobs. */
async function loadCandidates(): Promise<void> {
  const data = await api!.request(CANDIDATES);
  const jobs: PipelineJob[] = data.jobs.edges.map((edge: { node: PipelineJob }) => edge.node);
  const pending: Pending[] = data.pendingCandidates.edges.map((edge: { node: Pending }) => edge.node);
  $('#candidates').replaceChildren(
    ...jobs
      .filter((job) => job.applications.edges.length > 0)
      .map((job) =>
        h(
          'li',
          { 'data-job': job.id },
          h('strong', {}, job.title),
          h(
            'div',
            { class: 'pipeline' },
            ...job.stages.map((stage) =>
              h(
                'div',
                { class: 'stage', 'data-stage': stage },
                h('h4', {}, stage),
                h(
                  'ul',
                  {},
                  ...job.applications.edges
                    .filter(({ node }) => node.stage === stage)
                    .map(({ node }) =>
                      h(
                        'li',
                        { 'data-candidate': node.candidate.id },
                        node.candidate.name,
                        ...(node.candidate.cv
                          ? [
                              ' · ',
                              h('a', { href: node.candidate.cv.link.url, download: node.candidate.cv.fileName }, 'CV'),
                            ]
                          : []),
                      ),
                    ),
                ),
              ),
            ),
          ),
        ),
      ),
  );
  $('#pending').replaceChildren(...pending.map((entry) => pendingItem(entry, jobs)));
}

/** A candidate no job matched: why, the board's title, and a choice of job to assign them to. */
function pendingItem(entry: Pending, jobs: PipelineJob[]): HTMLElement {
  const suggested = entry.suggestedJobs.filter((job): job is { id: string; title: string } => job !== null);
  const choices = [...suggested, ...jobs.filter((job) => !suggested.some((other) => other.id === job.id))];
  const select = h(
    'select',
    { 'aria-label': `Job for ${entry.candidate.name}` },
    ...choices.map((job, index) =>
      h('option', { value: job.id }, `${job.title}${index < suggested.length ? ' (suggested)' : ''}`),
    ),
  );
  const result = h('p', { class: 'error', 'data-error': 'assign' });
  const assign = h('button', { type: 'button' }, 'Assign');
  assign.onclick = async () => {
    const { assignPendingCandidate: answer } = await api!.request(
      `mutation ($candidateId: ID!, $jobId: ID!) { assignPendingCandidate(candidateId: $candidateId, jobId: $jobId) {
        __typename ... on Error { message } } }`,
      { candidateId: entry.candidate.id, jobId: select.value },
    );
    if (answer.__typename !== 'Application') result.textContent = answer.message ?? answer.__typename;
    else await loadCandidates();
  };
  return h(
    'li',
    { 'data-pending': entry.candidate.id },
    h('strong', {}, entry.candidate.name),
    ` applied for “${entry.jobTitle ?? '?'}”: ${entry.pendingReason ?? ''} `,
    select,
    assign,
    result,
  );
}

type BoardFigures = {
  boardId: string;
  board: { name: string } | null;
  applications: number;
  uniqueCandidates: number;
  creditsSpent: number;
  costPerApplication: { amount: string; currency: string } | null;
};

/** Each board's figures of the last 30 days, with a meter for its applications against the busiest board's. */
async function loadFigures(): Promise<void> {
  const to = new Date(Date.now() + 60_000);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const { analytics } = await api!.request(
    `query ($from: DateTime!, $to: DateTime!) { analytics(from: $from, to: $to) { ... on Analytics { byBoard {
      boardId board { name } applications uniqueCandidates creditsSpent costPerApplication { amount currency } } } } }`,
    { from: from.toISOString(), to: to.toISOString() },
  );
  const rows: BoardFigures[] = analytics.byBoard;
  const most = Math.max(1, ...rows.map((row) => row.applications));
  $('#figures tbody').replaceChildren(
    ...rows.map((row) =>
      h(
        'tr',
        { 'data-board': row.boardId },
        h('td', {}, row.board?.name ?? row.boardId),
        h(
          'td',
          {},
          h('meter', {
            min: '0',
            max: String(most),
            value: String(row.applications),
            'aria-label': `${row.applications} applications`,
          }),
          ` ${row.applications}`,
        ),
        h('td', {}, String(row.uniqueCandidates)),
        h('td', {}, String(row.creditsSpent)),
        h(
          'td',
          {},
          row.costPerApplication ? `${row.costPerApplication.amount} ${row.costPerApplication.currency}` : '—',
        ),
      ),
    ),
  );
}

// My details --------------------------------------------------------------------------------------------

const SET_IGB_EMAIL = `mutation ($input: SetIngoedebanenUserEmailInput!) { setIngoedebanenUserEmail(input: $input) {
  __typename ... on SetIngoedebanenUserEmailResult { userId email } ... on ValidationError { fieldErrors { path message } }
  ... on Error { message } } }`;

/** Sets a user's IGB e-mail (empty clears it); errors show in `form`. */
async function saveIgbEmail(form: HTMLElement, email: string, userId?: string): Promise<boolean> {
  const { setIngoedebanenUserEmail: result } = await api!.request(SET_IGB_EMAIL, {
    input: { email: email.trim() || null, ...(userId ? { userId } : {}) },
  });
  if (result.__typename === 'ValidationError') showErrors(form, result.fieldErrors, 'input');
  else if (result.__typename !== 'SetIngoedebanenUserEmailResult')
    showErrors(form, [{ path: ['input'], message: result.message }], 'input');
  else showErrors(form, [], 'input');
  const saved = result.__typename === 'SetIngoedebanenUserEmailResult';
  form.querySelector('.saved')!.textContent = saved ? 'Saved.' : '';
  return saved;
}

/** The user's own InGoedeBanen e-mail, and an admin's list to set anyone's (when InGoedeBanen is loaded). */
async function loadDetails(): Promise<void> {
  if (!boards.some((board) => board.id === 'ingoedebanen')) return;
  $('#details-section').hidden = false;
  const { ingoedebanenUserEmails } = await api!.request(
    '{ ingoedebanenUserEmails { ... on IngoedebanenUserEmailsResult { emails { userId email } } } }',
  );
  const emails = new Map<string, string>(
    (ingoedebanenUserEmails.emails ?? []).map((entry: { userId: string; email: string }) => [
      entry.userId,
      entry.email,
    ]),
  );
  const own = $<HTMLFormElement>('#my-igb-email');
  $<HTMLInputElement>('#igb-email').value = emails.get(viewer!.id) ?? '';
  own.onsubmit = async (event) => {
    event.preventDefault();
    await saveIgbEmail(own, $<HTMLInputElement>('#igb-email').value);
  };
  if (viewer!.role !== 'ADMIN') return;
  const { users } = await api!.request('{ users(first: 100) { edges { node { id name email } } } }');
  $('#team-igb-emails').replaceChildren(
    h('h3', {}, "The team's InGoedeBanen e-mails"),
    ...users.edges.map(({ node }: { node: { id: string; name: string; email: string } }) => {
      const input = h('input', {
        type: 'email',
        id: `igb-email-${node.id}`,
        'data-path': 'input.email',
        value: emails.get(node.id) ?? '',
      });
      const row = h(
        'form',
        { class: 'team-email', 'data-user': node.id, novalidate: true },
        h('label', { for: input.id }, `${node.name} (${node.email})`),
        input,
        h('p', { class: 'error', 'data-error': 'input' }),
        h('button', { type: 'submit' }, 'Save'),
        h('span', { class: 'saved', 'aria-live': 'polite' }),
      );
      row.onsubmit = async (event) => {
        event.preventDefault();
        await saveIgbEmail(row, input.value, node.id);
      };
      return row;
    }),
  );
}

// Notifications ------------------------------------------------------------------------------------------

/** The latest notifications first, at most 20: approvals, rejections, contracts that need attention, candidates. */
function notify(kind: string, message: string): void {
  const list = $('#notifications');
  list.prepend(h('li', { 'data-kind': kind }, h('time', {}, new Date().toLocaleTimeString()), ` ${message}`));
  while (list.children.length > 20) list.lastElementChild!.remove();
}

function listen(): void {
  stops.push(
    api!.subscribe('subscription { postingStatusChanged { posting { id } } }', (data: any) => {
      void refreshPosting(data.postingStatusChanged.posting.id);
      // The open contract's credits and history follow its postings.
      void contractPage.refresh();
    }),
    api!.subscribe(
      'subscription { postingReviewed { approved reason posting { id job { title } board { name } } } }',
      (data: any) => {
        const review = data.postingReviewed;
        reviews.set(
          review.posting.id,
          review.approved ? '✔ Approved by the board' : `✘ Rejected: ${review.reason ?? 'no reason given'}`,
        );
        notify(
          review.approved ? 'approved' : 'rejected',
          review.approved
            ? `${review.posting.board?.name ?? 'The board'} approved “${review.posting.job.title}”.`
            : `${review.posting.board?.name ?? 'The board'} rejected “${review.posting.job.title}”: ${review.reason ?? 'no reason given'}.`,
        );
        void refreshPosting(review.posting.id);
        // A verdict can change what a contract waits for (Le Forem opens production after an approval).
        void loadContracts();
      },
    ),
    api!.subscribe(
      'subscription { candidateReceived { pending application { candidate { id name } job { title } board { name } } } }',
      (data: any) => {
        const { pending, application } = data.candidateReceived;
        notify(
          'candidate',
          pending
            ? `New candidate ${application.candidate.name} from ${application.board?.name ?? 'a board'}, in the pending pool.`
            : `New candidate ${application.candidate.name} for “${application.job?.title}” from ${application.board?.name ?? 'a board'}.`,
        );
        void loadCandidates();
        void loadFigures();
      },
    ),
    api!.subscribe(
      'subscription { contractStatusChanged { to reason contract { id alias board { name } } } }',
      (data: any) => {
        const change = data.contractStatusChanged;
        if (['SUSPENDED', 'INVALID_CREDENTIALS', 'EXPIRED'].includes(change.to))
          notify(
            'contract',
            `${change.contract.alias ?? change.contract.board?.name ?? 'A contract'} is ${change.to}${change.reason ? `: ${change.reason}` : ''}.`,
          );
        void loadContracts();
        if (contractPage.openId === change.contract.id) void contractPage.refresh();
      },
    ),
  );
}

$<HTMLFormElement>('#sign-in').onsubmit = (event) => {
  event.preventDefault();
  void signIn($<HTMLInputElement>('#token').value.trim());
};
$('#sign-out').onclick = signOut;
const saved = sessionStorage.getItem(STORAGE);
if (saved) void signIn(saved);
