import { normalizeForSearch } from '@multiposting/plugin-sdk';

/** Gender markers and similar tails job titles carry: "(m/f/x)", "(H/F)", "m/w/d", "(all genders)". */
const TITLE_SUFFIXES =
  /\(\s*(?:[mfhwdxv]\s*[/|-]\s*)+[mfhwdxv]\s*\)|\b[mfhwdxv](?:\s*\/\s*[mfhwdxv]){1,2}\b|\(\s*(?:all genders?|tous genres|nam\/nữ|nam nữ)\s*\)|\s[-–]\s*(?:nam\/nữ|nam nữ)$/giu;

/** A job title reduced to what identifies it: "Développeur·se Web (H/F)" and "developpeur se web" compare equal. */
export function normalizeJobTitle(title: string): string {
  return normalizeForSearch(title.replace(TITLE_SUFFIXES, ' '));
}

/**
 * Whether any text of a value, key or string, holds U+0000, which PostgreSQL cannot store in text or JSON. Walked
 * without recursion: a value nested thousands of levels deep must not overflow the stack here.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        if (key.includes('\u0000')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}
