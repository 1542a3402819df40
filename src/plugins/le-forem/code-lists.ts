import contrattravail from './code-lists/contrattravail.json' with { type: 'json' };
import tempstravail from './code-lists/tempstravail.json' with { type: 'json' };
import romev3 from './code-lists/romev3.json' with { type: 'json' };
import dimeco from './code-lists/dimeco.json' with { type: 'json' };
import nacebel2008 from './code-lists/nacebel2008.json' with { type: 'json' };
import codepostal from './code-lists/codepostal.json' with { type: 'json' };
import langue from './code-lists/langue.json' with { type: 'json' };
import niveauetude from './code-lists/niveauetude.json' with { type: 'json' };
import permisconduire from './code-lists/permisconduire.json' with { type: 'json' };

/** Le Forem's code lists kept in `code-lists/` (refresh them with `npm run le-forem:code-lists`). */
const LISTS = {
  contrattravail,
  tempstravail,
  romev3,
  dimeco,
  nacebel2008,
  codepostal,
  langue,
  niveauetude,
  permisconduire,
};

export const CODE_LIST_DATASETS = Object.keys(LISTS) as (keyof typeof LISTS)[];
export type CodeListDataset = keyof typeof LISTS;

/** A code list: code → label, as Le Forem's open data gives it. */
export function codeList(dataset: CodeListDataset): Readonly<Record<string, string>> {
  return LISTS[dataset].codes as Record<string, string>;
}
