import { normalizeForSearch } from '@multiposting/plugin-sdk';

/** Gender markers and similar tails job titles carry: "(m/f/x)", "(H/F)", "m/w/d", "(all genders)". */
const TITLE_SUFFIXES =
  /\(\s*(?:[mfhwdxv]\s*[/|-]\s*)+[mfhwdxv]\s*\)|\b[mfhwdxv](?:\s*\/\s*[mfhwdxv]){1,2}\b|\(\s*(?:all genders?|tous genres|nam\/nữ|nam nữ)\s*\)|\s[-–]\s*(?:nam\/nữ|nam nữ)$/giu;

/** A job title reduced to what identifies it: "Développeur·se Web (H/F)" and "developpeur se web" compare equal. */
export function normalizeJobTitle(title: string): string {
  return normalizeForSearch(title.replace(TITLE_SUFFIXES, ' '));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The character PostgreSQL cannot store that a text of a value (a key or a string) holds: U+0000 (in text or JSON)
 * before half of a UTF-16 surrogate pair (in JSON); null when there is none. One walk, without recursion: a value
 * nested thousands of levels deep must not overflow the stack here.
 */
export function unstorableCharacter(value: unknown): 'NUL' | 'HALF_PAIR' | null {
  let halfPair = false;
  const holdsNul = (text: string) => {
    if (text.includes('\u0000')) return true;
    halfPair ||= LONE_SURROGATE.test(text);
    return false;
  };
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (holdsNul(current)) return 'NUL';
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        if (holdsNul(key)) return 'NUL';
        stack.push(inner);
      }
    }
  }
  return halfPair ? 'HALF_PAIR' : null;
}
