import type { CodegenConfig } from '@graphql-codegen/cli';

// npm run codegen — typed documents, from the printed schema, for the operations of the typed-client example and
// for the operations the tests share.
const typedDocuments = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    emitLegacyCommonJSImports: false,
    scalars: { DateTime: 'string', JSON: 'unknown' },
  },
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'examples/typed-client/generated/': { ...typedDocuments, documents: ['examples/typed-client/operations.ts'] },
    'test/support/generated/': { ...typedDocuments, documents: ['test/support/operations.ts'] },
  },
};

export default config;
