// npm run schema:print — writes the printed schema to schema.graphql (a test fails when they differ).
import { writeFile } from 'node:fs/promises';
import { printedSchema } from '../src/schema/index.ts';

await writeFile(new URL('../schema.graphql', import.meta.url), printedSchema());
console.log('Wrote schema.graphql');
