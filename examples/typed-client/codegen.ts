import type { CodegenConfig } from '@graphql-codegen/cli';

// npm run example:codegen — typed documents for the operations in operations.ts, from the printed schema.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/typed-client/operations.ts'],
  generates: {
    'examples/typed-client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        emitLegacyCommonJSImports: false,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
