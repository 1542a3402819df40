import { normalizeForSearch } from '@multiposting/plugin-sdk';

/** Gender markers and similar tails job titles carry: "(m/f/x)", "(H/F)", "m/w/d", "(all genders)". */
const TITLE_SUFFIXES =
  /\(\s*(?:[mfhwdxv]\s*[/|-]\s*)+[mfhwdxv]\s*\)|\b[mfhwdxv](?:\s*\/\s*[mfhwdxv]){1,2}\b|\(\s*(?:all genders?|tous genres|nam\/nữ|nam nữ)\s*\)|\s[-–]\s*(?:nam\/nữ|nam nữ)$/giu;

/** A job title reduced to what identifies it: "Développeur·se Web (H/F)" and "developpeur se web" compare equal. */
export function normalizeJobTitle(title: string): string {
  return normalizeForSearch(title.replace(TITLE_SUFFIXES, ' '));
}
