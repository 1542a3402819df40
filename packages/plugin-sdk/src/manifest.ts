import semver from 'semver';
import { z } from 'zod';
import { isCountryCode } from './countries.ts';
import { camelCase, carriesPrefix, pascalCase } from './naming.ts';
import type { BoardPlugin, Capability } from './types.ts';
import { SDK_VERSION } from './version.ts';

export class PluginLoadError extends Error {
  override name = 'PluginLoadError';
  constructor(plugin: string, problem: string) {
    super(`Board plugin ${plugin}: ${problem}`);
  }
}

/** The function each capability requires (a capability without it refuses to load). */
export const CAPABILITY_FUNCTIONS: Record<Capability, string> = {
  publish: 'publish',
  update: 'update',
  withdraw: 'withdraw',
  linkExisting: 'fetchPosting',
  statusPolling: 'fetchPosting',
  webhooks: 'handleWebhook',
  candidates: 'handleWebhook',
  feed: 'renderFeed',
  contractHealth: 'checkContract',
  questions: 'publish',
};

/**
 * A zod object schema, from this copy of zod or another (a plugin installed on its own may bring its own):
 * checked by shape, not by class.
 */
const zodObject = z.custom<z.ZodObject>(
  (value) =>
    typeof (value as { safeParse?: unknown })?.safeParse === 'function' &&
    (value as { _zod?: { def?: { type?: string } } })._zod?.def?.type === 'object',
  'expected a zod object schema',
);

const camelKey = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'expected a camelCase key (letters and digits, at most 40)');
const upperIdentifier = z.string().regex(/^[A-Z][A-Z0-9_]{0,29}$/, 'expected an UPPER_CASE identifier');

const credentialFieldSchema = z
  .object({
    key: camelKey,
    label: z.string().min(1),
    help: z.string().optional(),
    type: z.enum(['string', 'number', 'boolean', 'email', 'url', 'enum']),
    required: z.boolean(),
    secret: z.boolean(),
    options: z.array(upperIdentifier).min(1).optional(),
    pattern: z
      .object({
        regex: z.string().refine((value) => isRegex(value), 'expected a valid regular expression'),
        message: z.string().min(1),
      })
      .optional(),
  })
  .refine((field) => (field.type === 'enum') === (field.options !== undefined), {
    message: 'options are required exactly for type enum',
    path: ['options'],
  });

function isRegex(value: string): boolean {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}

const operationSchema = z.object({
  description: z.string().min(1),
  access: z.enum(['member', 'admin']),
  args: zodObject,
  result: zodObject,
  resolve: z.custom<() => unknown>((value) => typeof value === 'function', 'expected a function'),
});
const operationsSchema = z
  .record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,60}$/, 'expected a camelCase GraphQL field name'), operationSchema)
  .optional();

const uniqueBy = <T>(items: readonly T[], key: (item: T) => string) => new Set(items.map(key)).size === items.length;

const manifestSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected a kebab-case id such as "le-forem"')
      .max(40),
    name: z.string().min(1),
    version: z.string().refine((value) => semver.valid(value) !== null, 'expected a semver version such as 1.2.0'),
    sdkVersion: z
      .string()
      .refine((value) => semver.validRange(value) !== null, 'expected a semver range such as ^1.0.0'),
    country: z.string().refine(isCountryCode, 'expected an ISO 3166-1 alpha-2 country code such as BE'),
    description: z.string().min(1),
    instructions: z.string().min(1),
    docsUrl: z.url({ protocol: /^https?$/ }),
    environments: z
      .array(upperIdentifier)
      .min(1)
      .refine((items) => uniqueBy(items, (item) => item), 'environments must be unique'),
    credentials: z
      .array(credentialFieldSchema)
      .refine((items) => uniqueBy(items, (item) => item.key), 'credential keys must be unique'),
    confirmations: z.array(z.object({ key: camelKey, label: z.string().min(1) })).optional(),
    capabilities: z
      .array(z.enum(Object.keys(CAPABILITY_FUNCTIONS) as [Capability, ...Capability[]]))
      .refine((items) => uniqueBy(items, (item) => item), 'capabilities must be unique'),
    postingFields: zodObject.optional(),
    auth: z
      .discriminatedUnion('type', [
        z.object({
          type: z.literal('header'),
          name: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name'),
          credential: z.string(),
          prefix: z.string().optional(),
        }),
        z.object({ type: z.literal('bearer'), credential: z.string() }),
        z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }),
      ])
      .optional(),
    baseUrls: z.record(z.string(), z.url({ protocol: /^https?$/ })).optional(),
    environmentPrerequisites: z.record(z.string(), z.object({ approvedPostingIn: z.string() })).optional(),
    verifyCredentials: z
      .custom<BoardPlugin['verifyCredentials']>((value) => typeof value === 'function', 'expected a function')
      .optional(),
    extendSchema: z.object({ queries: operationsSchema, mutations: operationsSchema }).optional(),
  })
  .superRefine((plugin, ctx) => {
    const credentialKeys = new Set(plugin.credentials.map((field) => field.key));
    const auth = plugin.auth;
    const authKeys = !auth
      ? []
      : auth.type === 'basic'
        ? (['username', 'password'] as const)
        : (['credential'] as const);
    for (const key of authKeys) {
      const credential = (auth as Record<string, string>)[key]!;
      if (!credentialKeys.has(credential))
        ctx.addIssue({
          code: 'custom',
          path: ['auth', key],
          message: `"${credential}" is not one of the plugin's credential keys`,
        });
    }
    for (const [index, confirmation] of (plugin.confirmations ?? []).entries()) {
      if (credentialKeys.has(confirmation.key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['confirmations', index, 'key'],
          message: `"${confirmation.key}" is also a credential key`,
        });
      }
    }
    for (const kind of ['queries', 'mutations'] as const) {
      for (const name of Object.keys(plugin.extendSchema?.[kind] ?? {})) {
        if (!carriesPrefix(name, plugin.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['extendSchema', kind, name],
            message: `"${name}" must carry the plugin's prefix (e.g. ${camelCase(plugin.id)}Settings or set${pascalCase(plugin.id)}Settings)`,
          });
        }
      }
    }
    for (const [environment, prerequisite] of Object.entries(plugin.environmentPrerequisites ?? {})) {
      for (const [key, value] of [
        [environment, environment],
        ['approvedPostingIn', prerequisite.approvedPostingIn],
      ] as const) {
        if (!plugin.environments.includes(value)) {
          ctx.addIssue({
            code: 'custom',
            path: ['environmentPrerequisites', environment, ...(key === environment ? [] : [key])],
            message: `"${value}" is not one of the plugin's environments`,
          });
        }
      }
    }
    for (const environment of Object.keys(plugin.baseUrls ?? {})) {
      if (!plugin.environments.includes(environment)) {
        ctx.addIssue({
          code: 'custom',
          path: ['baseUrls', environment],
          message: `"${environment}" is not one of the plugin's environments`,
        });
      }
    }
  });

/** Validates a plugin's manifest and its functions; throws PluginLoadError naming the plugin and the field. */
export function validatePlugin(candidate: unknown, source: string): BoardPlugin {
  const label =
    typeof (candidate as { id?: unknown })?.id === 'string'
      ? `"${(candidate as { id: string }).id}" (${source})`
      : `"${source}"`;
  const parsed = manifestSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PluginLoadError(label, `${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  const plugin = candidate as BoardPlugin;
  if (!semver.satisfies(SDK_VERSION, plugin.sdkVersion)) {
    throw new PluginLoadError(
      label,
      `sdkVersion: it needs SDK ${plugin.sdkVersion}, this server provides ${SDK_VERSION}`,
    );
  }
  for (const capability of plugin.capabilities) {
    const required = CAPABILITY_FUNCTIONS[capability];
    if (typeof (plugin as unknown as Record<string, unknown>)[required] !== 'function') {
      throw new PluginLoadError(
        label,
        `capabilities: "${capability}" is declared but the plugin has no ${required}() function`,
      );
    }
  }
  return plugin;
}
