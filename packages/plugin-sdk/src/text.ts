/** Runs of blank characters that are not already one space (replacing every single space costs most of the time). */
const SPACE_RUN = /[ \t\r\f\v\u00a0]{2,}|[\t\r\f\v\u00a0]/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The plain text of a job's sanitised HTML description, for boards that take text: paragraphs, headings and line
 * breaks become lines, list items "- " lines, and entities their characters.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|blockquote)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .split('\n')
    .map((line) => line.replace(SPACE_RUN, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

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
const UNDECOMPOSED: Record<string, string> = {
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
};

/** Characters XML 1.0 cannot hold: most C0 controls, lone surrogates, U+FFFE and U+FFFF. */
const NOT_IN_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text without the characters an XML document cannot hold (a control character pasted into a description
 * would make the whole document unreadable). For the builder's text and attribute values, before it escapes them.
 */
export function xmlSafeText(text: string): string {
  return text.replace(NOT_IN_XML, '');
}
