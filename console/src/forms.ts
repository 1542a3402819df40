import type { FieldError } from './api.ts';

/** Builds an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/**
 * A labelled input whose errors show under it; `path` is the GraphQL input path (dots) the server names. Its id is
 * `idPrefix-path`: forms shown together on the page take different prefixes.
 */
export function field(
  path: string,
  label: string,
  control: HTMLElement,
  help?: string | null,
  idPrefix = 'field',
): HTMLElement {
  control.id = `${idPrefix}-${path}`;
  control.setAttribute('name', path);
  control.dataset.path = path;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    ...(help ? [h('p', { class: 'help' }, help)] : []),
    h('p', { class: 'error', 'data-error': path }),
  );
}

export interface CredentialField {
  key: string;
  label: string;
  help: string | null;
  type: string;
  required: boolean;
  secret: boolean;
  options: string[] | null;
  pattern: string | null;
}

export interface Board {
  id: string;
  name: string;
  countryName: string;
  instructions: string;
  connectMutation: string;
  environments: string[];
  credentialFields: CredentialField[];
  confirmations: { key: string; label: string }[];
  postingFieldsSchema: JsonSchema | null;
}

/** The connect form of a board, entirely from its descriptors (any plugin gets one). */
export function connectForm(board: Board, environment: string): HTMLElement[] {
  const credentials = board.credentialFields.map((descriptor) => {
    const control =
      descriptor.type === 'ENUM'
        ? h(
            'select',
            {},
            h('option', { value: '' }, '—'),
            ...(descriptor.options ?? []).map((value) => h('option', { value }, value)),
          )
        : descriptor.type === 'BOOLEAN'
          ? h('input', { type: 'checkbox' })
          : h('input', {
              type: descriptor.secret
                ? 'password'
                : descriptor.type === 'NUMBER'
                  ? 'number'
                  : descriptor.type === 'EMAIL'
                    ? 'email'
                    : descriptor.type === 'URL'
                      ? 'url'
                      : 'text',
              autocomplete: 'off',
              required: descriptor.required,
              ...(descriptor.pattern ? { pattern: descriptor.pattern } : {}),
            });
    control.dataset.kind = descriptor.type;
    return field(
      `input.credentials.${descriptor.key}`,
      `${descriptor.label}${descriptor.required ? ' *' : ''}`,
      control,
      descriptor.help,
    );
  });
  const confirmations = board.confirmations.map((confirmation) =>
    field(`input.${confirmation.key}`, confirmation.label, h('input', { type: 'checkbox' })),
  );
  return [
    h('input', { type: 'hidden', 'data-path': 'input.environment', value: environment }),
    ...credentials,
    ...confirmations,
    field('input.alias', 'Name (optional)', h('input', { type: 'text' })),
    h('p', { class: 'error', 'data-error': 'input' }),
    h('button', { type: 'submit' }, `Connect ${board.name}`),
  ];
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

const typeOf = (schema: JsonSchema): string | undefined =>
  (Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type) ??
  (schema.anyOf ? typeOf(schema.anyOf.find((option) => option.type !== 'null') ?? {}) : undefined);

/** Inputs for a board's posting fields from their JSON Schema; values are read back with readSchemaValues. */
export function schemaFields(
  schema: JsonSchema,
  path: string,
  required = false,
  label = path.split('.').pop()!,
): HTMLElement {
  const type = typeOf(schema);
  const title = `${schema.title ?? label}${required ? ' *' : ''}`;
  if (type === 'object' && schema.properties) {
    return h(
      'fieldset',
      { 'data-path': path },
      h('legend', {}, title),
      ...Object.entries(schema.properties).map(([key, inner]) =>
        schemaFields(inner, `${path}.${key}`, schema.required?.includes(key) ?? false, key),
      ),
      h('p', { class: 'error', 'data-error': path }),
    );
  }
  let control: HTMLElement;
  if (type === 'array' && schema.items?.enum) {
    control = h(
      'select',
      { multiple: true },
      ...schema.items.enum.map((value) => h('option', { value: String(value) }, String(value))),
    );
  } else if (schema.enum) {
    control = h(
      'select',
      {},
      h('option', { value: '' }, '—'),
      ...schema.enum.map((value) => h('option', { value: String(value) }, String(value))),
    );
  } else if (type === 'boolean') {
    control = h('input', { type: 'checkbox' });
  } else if (type === 'integer' || type === 'number') {
    control = h('input', {
      type: 'number',
      ...(schema.minimum !== undefined ? { min: String(schema.minimum) } : {}),
      ...(schema.maximum !== undefined ? { max: String(schema.maximum) } : {}),
    });
  } else if (type === 'array') {
    control = h('input', { type: 'text', placeholder: 'comma-separated' });
  } else {
    control = h('input', { type: 'text' });
  }
  control.dataset.kind = type === 'array' ? (schema.items?.enum ? 'multi' : 'list') : (type ?? 'string');
  return field(path, title, control, schema.description);
}

/** The values of the inputs under `root` whose path starts with `prefix`, as a nested object (empty inputs left out). */
export function readValues(root: HTMLElement, prefix: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const control of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-path]')) {
    const path = control.dataset.path!;
    if (!path.startsWith(`${prefix}.`) || control instanceof HTMLFieldSetElement) continue;
    let value: unknown;
    const kind = control.dataset.kind;
    // An unticked optional board field is left out (the board's default applies); confirmations and credentials send false.
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      if (!control.checked && kind === 'boolean') continue;
      value = control.checked;
    } else if (control instanceof HTMLSelectElement && control.multiple)
      value = [...control.selectedOptions].map((option) => option.value);
    else if (control.value === '') continue;
    else if (kind === 'integer' || kind === 'number' || kind === 'NUMBER') value = Number(control.value);
    else if (kind === 'list')
      value = control.value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    else value = control.value;
    if (Array.isArray(value) && value.length === 0) continue;
    const keys = path.slice(prefix.length + 1).split('.');
    let target = result;
    for (const key of keys.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1)!] = value;
  }
  return result;
}

/** Fills the inputs under `root` whose path starts with `prefix` from a nested object (what readValues reads). */
export function fillValues(root: HTMLElement, prefix: string, values: Record<string, unknown>): void {
  for (const control of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-path]')) {
    const path = control.dataset.path!;
    if (!path.startsWith(`${prefix}.`) || control instanceof HTMLFieldSetElement) continue;
    let value: unknown = values;
    for (const key of path.slice(prefix.length + 1).split('.'))
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    // A list of objects has no input of its own here: left empty, the stored value stays (updates merge).
    if (
      value === undefined ||
      value === null ||
      (Array.isArray(value) && value.some((item) => typeof item === 'object'))
    )
      continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
    else if (control instanceof HTMLSelectElement && control.multiple)
      for (const option of control.options) option.selected = (value as unknown[]).map(String).includes(option.value);
    else control.value = Array.isArray(value) ? value.join(', ') : String(value);
  }
}

/** Shows each server-side error under the input its path names (or the nearest parent that has a place). */
export function showErrors(root: HTMLElement, errors: FieldError[], fallback: string): void {
  for (const element of root.querySelectorAll('[data-error]')) element.textContent = '';
  for (const error of errors) {
    let path = error.path.join('.');
    while (path && !root.querySelector(`[data-error="${CSS.escape(path)}"]`))
      path = path.split('.').slice(0, -1).join('.');
    const target = root.querySelector(`[data-error="${CSS.escape(path || fallback)}"]`);
    if (target) target.textContent = [target.textContent, error.message].filter(Boolean).join('; ');
  }
}
