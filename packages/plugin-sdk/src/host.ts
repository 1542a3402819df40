// What a server that loads board plugins shares with the conformance kit (`@multiposting/plugin-sdk/host`): the
// checks it applies to what plugins declare and return, and the context it hands them. Plugins do not need it.
export { brand } from './brand.ts';
export { healthSchema } from './contract-health.ts';
export {
  createPluginContext,
  redactCredentials,
  redactingLogger,
  redactor,
  type PluginContextOptions,
  type StructuredLogger,
} from './context.ts';
export { countryName, isCountryCode } from './countries.ts';
export { credentialsSchema } from './credentials.ts';
export { CAPABILITY_FUNCTIONS, PluginLoadError, validatePlugin } from './manifest.ts';
export { camelCase, carriesPrefix, extensionNames, generatedNames, pascalCase } from './naming.ts';
export { SDK_VERSION } from './version.ts';
export {
  candidateAppliedSchema,
  postingClosedSchema,
  postingReviewedSchema,
  webhookEventSchema,
  webhookResultSchema,
} from './webhook-events.ts';
