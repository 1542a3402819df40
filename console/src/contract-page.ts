import type { Api, FieldError } from './api.ts';
import { type Board, field, h, readValues, showErrors } from './forms.ts';

/** The posting fields the page shows (the same as the postings list). */
export interface ContractPageOptions {
  api: Api;
  postingFields: string;
  renderPosting: (posting: any) => HTMLElement;
  /** The loaded boards, whose credential descriptors give the settings their inputs. */
  boards: () => Board[];
  /** Called after the contract changed here (the contracts table and the publish form follow). */
  changed: () => Promise<void>;
}

/** What the contracts table shows of a contract. */
export interface ContractSummary {
  id: string;
  boardId: string;
  environment: string;
  status: string;
  statusReason: string | null;
  nextAction: { code: string; message: string };
  alias: string | null;
  board: { name: string } | null;
}

type Contract = ContractSummary & {
  expiresAt: string | null;
  purchasePrice: { amount: string; currency: string } | null;
  credits: { total: number | null; used: number; remaining: number | null };
  qualityRate: number | null;
  warnings: string[];
  webhookUrl: string | null;
  feedUrl: string | null;
  credentialFields: { key: string; label: string; secret: boolean; configured: boolean; hint: string | null }[] | null;
  history: {
    edges: {
      node: {
        at: string;
        type: string;
        actor: { email: string } | null;
        changes: { field: string; from: string | null; to: string | null }[];
      };
    }[];
  };
  postings: { edges: { node: any }[] };
};

const CONTRACT = (postingFields: string) => `query ($id: ID!) { contract(id: $id) {
  id boardId environment status statusReason nextAction { code message } alias expiresAt
  purchasePrice { amount currency } credits { total used remaining } qualityRate warnings webhookUrl feedUrl board { name }
  credentialFields { key label secret configured hint }
  history(first: 20) { edges { node { at type actor { email } changes { field from to } } } }
  postings(first: 50) { edges { node { ${postingFields} } } } } }`;

const RESULT = `__typename ... on Contract { id } ... on ValidationError { fieldErrors { path message } } ... on Error { message }`;

/** The contract page: its state, details, credits, address for the board, settings, history and postings. */
export class ContractPage {
  private contractId: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: ContractPageOptions,
  ) {}

  get openId(): string | undefined {
    return this.contractId;
  }

  async open(contractId: string): Promise<void> {
    this.contractId = contractId;
    await this.refresh();
    this.root.hidden = false;
    this.root.querySelector<HTMLElement>('h2')?.focus();
  }

  close(): void {
    this.contractId = undefined;
    this.root.hidden = true;
  }

  /** Reads the open contract again (a posting of it or its status changed). */
  async refresh(): Promise<void> {
    if (!this.contractId) return;
    const { contract } = await this.options.api.request<{ contract: Contract | null }>(
      CONTRACT(this.options.postingFields),
      { id: this.contractId },
    );
    if (!contract) return this.close();
    this.root.replaceChildren(...this.render(contract));
  }

  private render(contract: Contract): HTMLElement[] {
    const name = contract.alias ?? contract.board?.name ?? contract.boardId;
    const close = h('button', { type: 'button', class: 'close' }, 'Close');
    close.onclick = () => this.close();
    return [
      h('h2', { tabindex: '-1' }, `${name} · ${contract.environment}`),
      close,
      h(
        'p',
        { class: 'contract-status' },
        h('span', { class: 'status' }, contract.status),
        ...(contract.statusReason ? [` — ${contract.statusReason}`] : []),
      ),
      h('p', { class: 'next-action', 'data-code': contract.nextAction.code }, contract.nextAction.message),
      ...(contract.qualityRate === null
        ? []
        : [h('p', { class: 'quality' }, `Quality rate at the board: ${contract.qualityRate} %`)]),
      ...(contract.warnings.length > 0
        ? [h('ul', { class: 'warnings' }, ...contract.warnings.map((warning) => h('li', {}, warning)))]
        : []),
      this.credits(contract),
      ...this.boardAddress(contract),
      this.details(contract),
      ...this.settings(contract),
      this.linkForm(contract),
      h('h3', {}, 'Postings'),
      h(
        'ul',
        { class: 'contract-postings', 'aria-label': `Postings on ${name}` },
        ...contract.postings.edges.map(({ node }) => this.options.renderPosting(node)),
      ),
      h('h3', {}, 'History'),
      h(
        'ol',
        { class: 'history' },
        ...contract.history.edges.map(({ node }) =>
          h(
            'li',
            { 'data-type': node.type },
            h('time', { datetime: node.at }, new Date(node.at).toLocaleString()),
            ` ${node.type}${node.actor ? ` by ${node.actor.email}` : ''}`,
            ...(node.changes.length > 0
              ? [`: ${node.changes.map((change) => describeChange(change)).join(', ')}`]
              : []),
          ),
        ),
      ),
      this.disconnect(contract),
    ];
  }

  /** Credits as a meter: used of the total bought, and what is left. */
  private credits(contract: Contract): HTMLElement {
    const { total, used, remaining } = contract.credits;
    if (total === null) return h('p', { class: 'credits' }, `Credits: ${used} used, no limit set.`);
    return h(
      'p',
      { class: 'credits' },
      h('label', { for: 'credits-meter' }, 'Credits '),
      h('meter', {
        id: 'credits-meter',
        min: '0',
        max: String(total),
        value: String(used),
        low: String(Math.floor(total * 0.7)),
        high: String(Math.floor(total * 0.9)),
      }),
      ` ${used} of ${total} used, ${remaining} left`,
    );
  }

  /** The webhook URL to paste in the board's settings, or the feed URL the board reads (rotated here). */
  private boardAddress(contract: Contract): HTMLElement[] {
    const url = contract.webhookUrl ?? contract.feedUrl;
    if (!url) return [];
    const label = contract.webhookUrl
      ? `Webhook URL: paste it in ${contract.board?.name ?? 'the board'}'s settings`
      : `Feed URL: give it to ${contract.board?.name ?? 'the board'}`;
    const input = h('input', { id: 'board-address', type: 'text', readonly: true, value: url });
    const copied = h('span', { class: 'saved', 'aria-live': 'polite' });
    const copy = h('button', { type: 'button', 'data-action': 'copy' }, 'Copy');
    copy.onclick = async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(url);
        copied.textContent = 'Copied.';
      } catch {
        copied.textContent = 'Selected: copy it with your keyboard.';
      }
    };
    const buttons: HTMLElement[] = [copy];
    if (contract.feedUrl) {
      const error = h('p', { class: 'error', 'data-error': 'rotate' });
      const rotate = h('button', { type: 'button', 'data-action': 'rotateFeedToken' }, 'New feed URL');
      rotate.onclick = async () => {
        const { rotateFeedToken: result } = await this.options.api.request(
          `mutation ($id: ID!) { rotateFeedToken(id: $id) { __typename ... on Error { message } } }`,
          { id: contract.id },
        );
        if (result.__typename !== 'Contract') error.textContent = result.message;
        else await this.refresh();
      };
      buttons.push(rotate, error);
    }
    return [
      h('div', { class: 'board-address' }, h('label', { for: 'board-address' }, label), input, ...buttons, copied),
    ];
  }

  /** Alias, expiry, purchase price and credits bought: updateContract, errors under their field. */
  private details(contract: Contract): HTMLElement {
    const form = h('form', { class: 'contract-details', novalidate: true });
    const text = (path: string, label: string, attributes: Record<string, string>) =>
      field(path, label, h('input', attributes), null, 'contract');
    form.append(
      h('h3', {}, 'Details'),
      text('input.alias', 'Name', { type: 'text', value: contract.alias ?? '' }),
      text('input.expiresAt', 'Expires on', { type: 'date', value: contract.expiresAt?.slice(0, 10) ?? '' }),
      text('input.purchasePrice.amount', 'Purchase price', {
        type: 'text',
        inputmode: 'decimal',
        value: contract.purchasePrice?.amount ?? '',
      }),
      text('input.purchasePrice.currency', 'Currency', {
        type: 'text',
        maxlength: '3',
        value: contract.purchasePrice?.currency ?? '',
      }),
      text('input.credits', 'Credits bought', {
        type: 'number',
        min: '0',
        'data-kind': 'integer',
        value: contract.credits.total === null ? '' : String(contract.credits.total),
      }),
      h('p', { class: 'error', 'data-error': 'input' }),
      h('button', { type: 'submit' }, 'Save details'),
      h('span', { class: 'saved', 'aria-live': 'polite' }),
    );
    const shown = readValues(form, 'input');
    form.onsubmit = async (event) => {
      event.preventDefault();
      const values = readValues(form, 'input');
      // Only what was changed is sent; an emptied field clears its value.
      const input = Object.fromEntries(
        ['alias', 'expiresAt', 'purchasePrice', 'credits']
          .filter((key) => JSON.stringify(values[key]) !== JSON.stringify(shown[key]))
          .map((key) => [key, values[key] ?? null]),
      );
      if (typeof input.expiresAt === 'string') input.expiresAt = new Date(`${input.expiresAt}T23:59:59Z`).toISOString();
      if (Object.keys(input).length === 0) return showErrors(form, [], 'input');
      await this.update(form, input);
    };
    return form;
  }

  /** The board's settings (its credential fields): secrets show only a hint and are replaced, never shown. */
  private settings(contract: Contract): HTMLElement[] {
    if (!contract.credentialFields?.length) return [];
    const form = h('form', { class: 'contract-settings', novalidate: true });
    form.append(
      h('h3', {}, 'Board settings'),
      ...contract.credentialFields.map((credential) => {
        const path = `input.credentials.${credential.key}`;
        const descriptor = this.options
          .boards()
          .find((board) => board.id === contract.boardId)
          ?.credentialFields.find((candidate) => candidate.key === credential.key);
        const control = descriptor?.options
          ? h(
              'select',
              {},
              ...descriptor.options.map((option) =>
                h('option', { value: option, selected: option === credential.hint }, option),
              ),
            )
          : h('input', {
              type: credential.secret ? 'password' : 'text',
              autocomplete: 'off',
              placeholder: credential.secret
                ? credential.configured
                  ? `${credential.hint ?? '••••'} (unchanged)`
                  : 'not set'
                : '',
              value: credential.secret ? '' : (credential.hint ?? ''),
            });
        return field(path, credential.label, control, descriptor?.help, 'contract');
      }),
      h('p', { class: 'error', 'data-error': 'input' }),
      h('button', { type: 'submit' }, 'Save settings'),
      h('span', { class: 'saved', 'aria-live': 'polite' }),
    );
    const shown = new Map(
      contract.credentialFields.map((credential) => [credential.key, credential.secret ? '' : (credential.hint ?? '')]),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const values = readValues(form, 'input.credentials');
      // Only what was changed is sent: an untouched secret keeps its stored value.
      const credentials = Object.fromEntries(
        Object.entries(values).filter(([key, value]) => String(value) !== shown.get(key)),
      );
      if (Object.keys(credentials).length === 0) return showErrors(form, [], 'input');
      await this.update(form, { credentials });
    };
    return [form];
  }

  private async update(form: HTMLFormElement, input: Record<string, unknown>): Promise<void> {
    const { updateContract: result } = await this.options.api.request(
      `mutation ($id: ID!, $input: UpdateContractInput!) { updateContract(id: $id, input: $input) { ${RESULT} } }`,
      { id: this.contractId, input },
    );
    if (!this.showResult(form, result)) return;
    await this.options.changed();
    await this.refresh();
    this.root.querySelector(`.${form.className} .saved`)!.textContent = 'Saved.';
  }

  /** Shows a mutation's errors in `form`; true when it succeeded. */
  private showResult(form: HTMLElement, result: { __typename: string; message?: string; fieldErrors?: FieldError[] }) {
    if (result.__typename === 'ValidationError') showErrors(form, result.fieldErrors!, 'input');
    else if (result.__typename !== 'Contract' && result.__typename !== 'Posting')
      showErrors(form, [{ path: ['input'], message: result.message ?? result.__typename }], 'input');
    else showErrors(form, [], 'input');
    return result.__typename === 'Contract' || result.__typename === 'Posting';
  }

  /** Links a posting made directly on the board (its id there) to one of the organisation's jobs. */
  private linkForm(contract: Contract): HTMLElement {
    const form = h(
      'form',
      { class: 'link-posting', novalidate: true },
      h('h3', {}, 'Link a posting made on the board'),
      field(
        'input.externalId',
        `Its id on ${contract.board?.name ?? 'the board'}`,
        h('input', { type: 'text' }),
        null,
        'link',
      ),
      field('input.jobId', 'Job', h('select', {}), null, 'link'),
      h('p', { class: 'error', 'data-error': 'input' }),
      h('button', { type: 'submit' }, 'Link'),
    );
    void this.options.api
      .request('{ jobs(first: 50, status: OPEN) { edges { node { id title } } } }')
      .then(({ jobs }) =>
        form
          .querySelector('select')!
          .replaceChildren(
            ...jobs.edges.map(({ node }: { node: { id: string; title: string } }) =>
              h('option', { value: node.id }, node.title),
            ),
          ),
      );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const { externalId, jobId } = readValues(form, 'input');
      const { linkExistingPosting: result } = await this.options.api.request(
        `mutation ($contractId: ID!, $jobId: ID!, $externalId: String!) {
          linkExistingPosting(contractId: $contractId, jobId: $jobId, externalId: $externalId) {
            __typename ... on ValidationError { fieldErrors { path message } } ... on Error { message } } }`,
        { contractId: contract.id, jobId: jobId ?? '', externalId: externalId ?? '' },
      );
      if (result.fieldErrors)
        result.fieldErrors = result.fieldErrors.map((error: FieldError) => ({
          ...error,
          path: ['input', ...error.path],
        }));
      if (this.showResult(form, result)) await this.refresh();
    };
    return form;
  }

  /** Disconnecting erases the credentials: asked twice, on the page. */
  private disconnect(contract: Contract): HTMLElement {
    const error = h('p', { class: 'error', 'data-error': 'disconnect' });
    const button = h('button', { type: 'button', class: 'danger', 'data-action': 'disconnectContract' }, 'Disconnect');
    if (contract.status === 'NOT_CONFIGURED') return h('div', {});
    button.onclick = async () => {
      if (button.dataset.confirm !== 'yes') {
        button.dataset.confirm = 'yes';
        button.textContent = 'Erase the credentials and disconnect';
        return;
      }
      const { disconnectContract: result } = await this.options.api.request(
        `mutation ($id: ID!) { disconnectContract(id: $id) { __typename ... on Error { message } } }`,
        { id: contract.id },
      );
      if (result.__typename !== 'Contract') error.textContent = result.message;
      else {
        await this.options.changed();
        await this.refresh();
      }
    };
    return h('div', { class: 'disconnect' }, h('h3', {}, 'Disconnect'), button, error);
  }
}

function describeChange(change: { field: string; from: string | null; to: string | null }): string {
  if (change.from === null && change.to === null) return change.field;
  return `${change.field} ${change.from ?? '—'} → ${change.to ?? '—'}`;
}
