// Stored files go back to people as downloads, never as pages: whatever a file holds, the browser
// saves it rather than showing it in OneDoor's origin, does not guess another type, and does not
// keep a copy in a shared cache.
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { cleanFileName, extensionOf } from '../files/fileNames.ts';

export interface Download {
  stream: Readable;
  /** The type detected when the file was stored, not the one the uploader's browser claimed. */
  contentType: string;
  size?: number;
  /** The name offered to save as: the person's own name for the file. */
  fileName: string;
  /** Added when the name has none, so the saved file opens with the right program. */
  extension?: string;
}

export function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  const contentType = download.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : download.contentType;
  reply
    .header('Content-Type', contentType)
    .header('Content-Disposition', contentDisposition(download.fileName, download.extension))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'private, no-store')
    // Should a browser ever render it anyway: no scripts, no plugins, no same-origin powers.
    .header('Content-Security-Policy', "sandbox; default-src 'none'; frame-ancestors 'none'")
    .header('Cross-Origin-Resource-Policy', 'same-origin');
  if (download.size !== undefined) reply.header('Content-Length', String(download.size));
  return reply.send(download.stream);
}

/**
 * `attachment` with the name twice (RFC 6266): `filename*` in UTF-8, percent-encoded (RFC 8187,
 * formerly 5987), for every current browser; `filename` in plain ASCII for anything older. Nothing
 * from the name can end the header or add a parameter.
 */
export function contentDisposition(fileName: string, extension?: string): string {
  let name = cleanFileName(fileName) || 'download';
  if (extension && extensionOf(name) === '') name = `${name}.${extension}`;
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Percent-encodes everything but RFC 8187's attr-char. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
