// Refreshes Le Forem's code lists from its open-data endpoint:
//   LE_FOREM_BASE_URL=https://… LE_FOREM_API_KEY=… npm run le-forem:code-lists
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CODE_LIST_DATASETS, type CodeListDataset } from './code-lists.ts';

/** What `GET /OffresEmploi/OpenData/{version}/{dataset}` answers: the list's name, version and values. */
const openData = z.object({
  version: z.string().optional(),
  values: z.array(z.object({ id: z.string().min(1), description: z.string() })).min(1),
});

export const OPEN_DATA_VERSION = '1.0';

/** Writes `<dir>/<dataset>.json` for each dataset: `{ dataset, version, codes: { code: label } }`. */
export async function refreshCodeLists(options: {
  baseUrl: string;
  apiKey: string;
  dir?: string;
  datasets?: readonly CodeListDataset[];
}): Promise<Record<string, number>> {
  const dir = options.dir ?? fileURLToPath(new URL('./code-lists/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const dataset of options.datasets ?? CODE_LIST_DATASETS) {
    const url = new URL(
      `OffresEmploi/OpenData/${OPEN_DATA_VERSION}/${dataset}`,
      `${options.baseUrl.replace(/\/$/, '')}/`,
    );
    const response = await fetch(url, {
      headers: { 'Ocp-Apim-Subscription-Key': options.apiKey, accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${dataset}: Le Forem answered ${response.status}`);
    const list = openData.parse(await response.json());
    const codes: Record<string, string> = {};
    // A code listed twice (a postal code shared by several localities) keeps every label.
    for (const value of list.values)
      codes[value.id] = codes[value.id] ? `${codes[value.id]} / ${value.description}` : value.description;
    const lines = Object.entries(codes).map(([code, label]) => `    ${JSON.stringify(code)}: ${JSON.stringify(label)}`);
    const version = JSON.stringify(list.version ?? OPEN_DATA_VERSION);
    await writeFile(
      `${dir}/${dataset}.json`,
      `{\n  "dataset": "${dataset}",\n  "version": ${version},\n  "codes": {\n${lines.join(',\n')}\n  }\n}\n`,
    );
    counts[dataset] = lines.length;
  }
  return counts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { LE_FOREM_BASE_URL, LE_FOREM_API_KEY } = process.env;
  if (!LE_FOREM_BASE_URL || !LE_FOREM_API_KEY) {
    console.error('Set LE_FOREM_BASE_URL (the Le Forem API base) and LE_FOREM_API_KEY (a subscription key).');
    process.exit(2);
  }
  console.log(await refreshCodeLists({ baseUrl: LE_FOREM_BASE_URL, apiKey: LE_FOREM_API_KEY }));
}
