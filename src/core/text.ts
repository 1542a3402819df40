import { normalizeForSearch } from '@multiposting/plugin-sdk';

/** Gender markers and similar tails job titles carry: "(m/f/x)", "(H/F)", "m/w/d", "(all genders)". */
const TITLE_SUFFIXES =
  /\(\s*(?:[mfhwdxv]\s*[/|-]\s*)+[mfhwdxv]\s*\)|\b[mfhwdxv](?:\s*\/\s*[mfhwdxv]){1,2}\b|\(\s*(?:all genders?|tous genres|nam\/nữ|nam nữ)\s*\)|\s[-–]\s*(?:nam\/nữ|nam nữ)$/giu;

/** A job title reduced to what identifies it: "Développeur·se Web (H/F)" and "developpeur se web" compare equal. */
export function normalizeJobTitle(title: string): string {
  return normalizeForSearch(title.replace(TITLE_SUFFIXES, ' '));
}

/** Whether `test` accepts any text of a value, key or string; walked without recursion (no stack overflow). */
function anyText(value: unknown, test: (text: string) => boolean): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (test(current)) return true;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        if (test(key)) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/** Whether any text of a value holds U+0000, which PostgreSQL cannot store in text or JSON. */
export const holdsNul = (value: unknown): boolean => anyText(value, (text) => text.includes('\u0000'));

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether any text of a value holds half of a UTF-16 surrogate pair, which PostgreSQL cannot store in JSON. */
export const holdsLoneSurrogate = (value: unknown): boolean => anyText(value, (text) => LONE_SURROGATE.test(text));
