import { readFileSync } from 'node:fs';

/** Le Forem's code lists kept in `code-lists/` (refresh them with `npm run le-forem:code-lists`). */
export const CODE_LIST_DATASETS = [
  'contrattravail',
  'tempstravail',
  'romev3',
  'dimeco',
  'nacebel2008',
  'codepostal',
  'langue',
  'niveauetude',
  'permisconduire',
] as const;
export type CodeListDataset = (typeof CODE_LIST_DATASETS)[number];

/** A code list: code → label, as Le Forem's open data gives it. */
export function codeList(dataset: CodeListDataset): Readonly<Record<string, string>> {
  const file = JSON.parse(readFileSync(new URL(`./code-lists/${dataset}.json`, import.meta.url), 'utf8'));
  return file.codes;
}
