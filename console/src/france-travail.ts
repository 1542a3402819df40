import type { Api } from './api.ts';
import { field, h, readValues, showErrors } from './forms.ts';

type AccessRequest = { id: string; clientId: string; siret: string; status: string; reason: string | null };

const REQUESTS = `{ franceTravailSandboxAccessRequests { __typename
  ... on FranceTravailSandboxAccessRequestsResult { requests { id clientId siret status reason } } ... on Error { message } } }`;

const REQUEST = `mutation ($input: RequestFranceTravailSandboxAccessInput!) { requestFranceTravailSandboxAccess(input: $input) {
  __typename ... on ValidationError { fieldErrors { path message } } ... on Error { message } } }`;

/**
 * France Travail's sandbox needs access granted first (its page's first step): the request form and the requests
 * with their decision, looked at again every few seconds while one is pending.
 */
export function sandboxAccessSection(api: Api): HTMLElement {
  const list = h('ul', { class: 'access-requests', 'aria-live': 'polite', 'aria-label': 'Sandbox access requests' });
  const input = (path: string, label: string, attributes: Record<string, string> = {}) =>
    field(path, label, h('input', { type: 'text', ...attributes }), null, 'ft');
  const form = h(
    'form',
    { class: 'sandbox-access', novalidate: true },
    h('h4', {}, 'Ask France Travail for sandbox access'),
    input('input.clientId', 'Client ID of your application'),
    input('input.siret', 'SIRET of the establishment that recruits', { inputmode: 'numeric' }),
    input('input.companyName', 'Company name'),
    input('input.contactEmail', 'Contact e-mail', { type: 'email' }),
    input('input.openPositionsPerYear', 'Positions opened per year', {
      type: 'number',
      min: '0',
      'data-kind': 'integer',
    }),
    h('p', { class: 'error', 'data-error': 'input' }),
    h('button', { type: 'submit' }, 'Ask for access'),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    clearTimeout(timer);
    const { franceTravailSandboxAccessRequests: result } = await api.request(REQUESTS);
    const requests: AccessRequest[] = result.requests ?? [];
    list.replaceChildren(
      ...requests.map((request) =>
        h(
          'li',
          { 'data-request': request.id, 'data-status': request.status },
          `${request.clientId} (SIRET ${request.siret}): `,
          h('span', { class: 'status' }, request.status),
          ...(request.reason ? [` — ${request.reason}`] : []),
        ),
      ),
    );
    if (requests.some((request) => request.status === 'PENDING') && list.isConnected)
      timer = setTimeout(() => void load(), 2000);
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const { requestFranceTravailSandboxAccess: result } = await api.request(REQUEST, {
      input: readValues(form, 'input'),
    });
    if (result.__typename === 'ValidationError') return showErrors(form, result.fieldErrors, 'input');
    if (result.__typename !== 'RequestFranceTravailSandboxAccessResult')
      return showErrors(form, [{ path: ['input'], message: result.message }], 'input');
    showErrors(form, [], 'input');
    await load();
  };
  void load();
  return h('div', { class: 'board-extra' }, form, list);
}
