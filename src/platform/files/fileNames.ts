// The names people give their files: shown back to them and offered again on download, never used
// as a path. Cleaning keeps what a person would recognise and drops what could mislead or break
// a header or a listing: folders, control characters, and the bidirectional marks that can make
// "invoice‮fdp.exe" read as "invoiceexe.pdf".
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI_AND_INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAX_LENGTH = 200;

/** The last part of the name, without control or bidirectional characters, at most 200 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  let cleaned = base
    .replace(LONE_SURROGATE, '\ufffd')
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(BIDI_AND_INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Leading dots make hidden files on some systems and say nothing a person meant.
  cleaned = cleaned.replace(/^\.+/, '').trim();
  if (cleaned.length > MAX_LENGTH) {
    const extension = extensionOf(cleaned);
    const keep = extension && extension.length < 16 ? `.${extension}` : '';
    cleaned =
      [...cleaned]
        .slice(0, MAX_LENGTH - keep.length)
        .join('')
        .trimEnd() + keep;
  }
  return cleaned;
}

/** The extension after the last dot, lower case, or '' if there is none ("report" or ".bashrc"). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  return name.slice(dot + 1).toLowerCase();
}
