import { z } from 'zod';
import type { BoardPlugin, CredentialField, CredentialValue } from './types.ts';

function fieldSchema(field: CredentialField): z.ZodType<CredentialValue> {
  switch (field.type) {
    case 'number':
      return z.number({ error: 'must be a number' }).finite();
    case 'boolean':
      return z.boolean({ error: 'must be true or false' });
    case 'email':
      return z.email('must be an e-mail address').max(254);
    case 'url':
      return z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
    case 'enum':
      return z.enum(field.options as [string, ...string[]], { error: `must be one of ${field.options!.join(', ')}` });
    case 'string': {
      let schema = z
        .string({ error: 'must be text' })
        .trim()
        .min(1, 'must not be empty')
        .max(2000, 'must be at most 2000 characters');
      if (field.pattern) schema = schema.regex(new RegExp(`^(?:${field.pattern.regex})$`), field.pattern.message);
      return schema;
    }
  }
}

/** The zod schema of a board's credentials, from its field descriptors: what the core accepts in a connect input. */
export function credentialsSchema(plugin: Pick<BoardPlugin, 'credentials'>) {
  return z.strictObject(
    Object.fromEntries(
      plugin.credentials.map((field) => [
        field.key,
        field.required ? fieldSchema(field) : fieldSchema(field).optional(),
      ]),
    ),
  );
}
