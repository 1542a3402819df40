/** Lower-case, without accents or punctuation: "FORÊM" and "forem" compare equal. */
export function normalizeForSearch(text: string): string {
  return text
    .replace(/[øØđĐłŁßæÆœŒ]/g, (letter) => UNDECOMPOSED[letter]!)
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{Letter}\p{Number}]+/gu, ' ')
    .trim();
}

/** Letters that Unicode does not decompose into a base letter and an accent. */
const UNDECOMPOSED: Record<string, string> = { ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE' };

/** Gender markers and similar tails job titles carry: "(m/f/x)", "(H/F)", "m/w/d", "(all genders)". */
const TITLE_SUFFIXES = /\(\s*(?:[mfhwdxv]\s*[/|-]\s*)+[mfhwdxv]\s*\)|\b[mfhwdxv](?:\s*\/\s*[mfhwdxv]){1,2}\b|\(\s*(?:all genders?|tous genres|nam\/nữ|nam nữ)\s*\)|\s[-–]\s*(?:nam\/nữ|nam nữ)$/giu;

/** A job title reduced to what identifies it: "Développeur·se Web (H/F)" and "developpeur se web" compare equal. */
export function normalizeJobTitle(title: string): string {
  return normalizeForSearch(title.replace(TITLE_SUFFIXES, ' '));
}
