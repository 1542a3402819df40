/** The CV formats accepted, by what their bytes are (never by the name or the type the board claims). */
const ACCEPTED: Record<string, string> = {
  pdf: 'application/pdf',
  // Word 97-2003 and other OLE compound files.
  cfb: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  rtf: 'application/rtf',
};

export const ACCEPTED_FORMATS = 'PDF, DOC, DOCX, ODT, RTF or TXT';

/** Plain text: valid UTF-8 without control characters other than tab, newline, carriage return and form feed. */
function isPlainText(data: Buffer): boolean {
  if (data.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

export type DocumentCheck = { ok: true; contentType: string } | { ok: false; reason: string };

/** Accepts a document of one of the CV formats within `maxBytes`, and gives its real content type. */
export async function checkDocument(data: Buffer, maxBytes: number): Promise<DocumentCheck> {
  if (data.length > maxBytes)
    return { ok: false, reason: `The document is ${data.length} bytes; the limit is ${maxBytes}.` };
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(data);
  if (detected && ACCEPTED[detected.ext]) return { ok: true, contentType: ACCEPTED[detected.ext]! };
  if (!detected && isPlainText(data)) return { ok: true, contentType: 'text/plain; charset=utf-8' };
  return {
    ok: false,
    reason: `The document is ${detected ? `a ${detected.ext.toUpperCase()} file` : 'of an unknown type'}; CVs must be ${ACCEPTED_FORMATS}.`,
  };
}

/** A file name safe for a Content-Disposition header and a file system. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'document';
}
