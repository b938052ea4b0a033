// What residents and staff may attach, judged by what a file contains, never by its name or the
// content type the browser declared. A file is refused, with a reason a person can act on, when
// it is empty, larger than the limit, of a kind not on the list, or named as one kind while being
// another ("photo.pdf" that is a PNG: disguised). The content type kept is the one detected.
import { PassThrough, Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromStream, type FileTypeResult } from 'file-type';
import { extensionOf } from './fileNames.ts';
import type { FileStore, StoredFile } from './store.ts';

export interface AllowedKind {
  /** The content type stored and sent on download. */
  contentType: string;
  /** The extension used when the name has none; first of `extensions`. */
  extension: string;
  /** Extensions a name may have for this kind. */
  extensions: readonly string[];
}

const kind = (contentType: string, ...extensions: [string, ...string[]]): AllowedKind => ({
  contentType,
  extension: extensions[0],
  extensions,
});

const PDF = kind('application/pdf', 'pdf');
const PNG = kind('image/png', 'png');
const JPEG = kind('image/jpeg', 'jpg', 'jpeg', 'jpe', 'jfif');
const GIF = kind('image/gif', 'gif');
const WEBP = kind('image/webp', 'webp');
const HEIC = kind('image/heic', 'heic', 'heif');
const DOCX = kind('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx');
const XLSX = kind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx');
const ODT = kind('application/vnd.oasis.opendocument.text', 'odt');
const ODS = kind('application/vnd.oasis.opendocument.spreadsheet', 'ods');
export const PLAIN_TEXT = kind('text/plain', 'txt', 'text');

/** What file-type calls each allowed kind (its `ext`); anything it detects outside this is refused. */
const BY_DETECTED_EXTENSION: Record<string, AllowedKind> = {
  pdf: PDF,
  png: PNG,
  jpg: JPEG,
  gif: GIF,
  webp: WEBP,
  heic: HEIC,
  docx: DOCX,
  xlsx: XLSX,
  odt: ODT,
  ods: ODS,
};

/** Every allowed kind, for the `accept` attribute of a file input and for help text. */
export const ALLOWED_KINDS: readonly AllowedKind[] = [...Object.values(BY_DETECTED_EXTENSION), PLAIN_TEXT];

/** `accept` for `<input type="file">`: a hint to the browser's picker only; the check is here. */
export const ACCEPT_ATTRIBUTE = ALLOWED_KINDS.flatMap((allowed) => allowed.extensions.map((extension) => `.${extension}`)).join(
  ',',
);

const KNOWN_EXTENSIONS = new Set(ALLOWED_KINDS.flatMap((allowed) => allowed.extensions));

export type RefusalReason =
  | 'files.errors.tooLarge'
  | 'files.errors.typeNotAllowed'
  | 'files.errors.disguised'
  | 'files.errors.empty'
  | 'files.errors.tooMany';

export interface UploadRefusal {
  ok: false;
  /** An i18n key for the GOV.UK error message; `params` fill it in. */
  reason: RefusalReason;
  params: Record<string, string | number>;
}

export interface CheckedFile {
  contentType: string;
  /** The extension that goes with the detected kind, for a download name that lacks one. */
  extension: string;
}

export type UploadCheck = ({ ok: true } & CheckedFile) | UploadRefusal;
export type UploadOutcome = { ok: true; file: StoredFile & CheckedFile } | UploadRefusal;

export interface UploadRules {
  /** The name the person's computer gave the file: only its extension is looked at. */
  originalName: string;
  maxBytes: number;
}

export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

export function refusal(reason: RefusalReason, params: Record<string, string | number> = {}): UploadRefusal {
  return { ok: false, reason, params };
}

/** The limit as people say it: "10" (MB), "2.5", "0.5". */
export function megabytes(bytes: number): string {
  return String(Math.round((bytes / (1024 * 1024)) * 10) / 10);
}

/**
 * Streams `content` into the store, checking it on the way. Refused content stops being read as
 * soon as the refusal is certain (too large, a kind not allowed, disguised) and nothing of it is
 * kept; other failures (the client went away) are thrown, also leaving nothing. `content` stays
 * the caller's: after a refusal it is left part read (unpiped, not destroyed), for the caller to
 * read away or destroy.
 */
export async function storeUpload(store: FileStore, content: Readable, rules: UploadRules): Promise<UploadOutcome> {
  const inspector = new UploadInspector(rules);
  try {
    const stored = await store.put(pipeThrough(content, inspector));
    const verdict = inspector.verdict;
    if (!verdict?.ok) throw new Error('the upload inspector finished without a verdict');
    return { ok: true, file: { ...stored, contentType: verdict.contentType, extension: verdict.extension } };
  } catch (error) {
    if (error instanceof RefusedUpload) return error.refusal;
    throw error;
  }
}

/** The same check on content already in memory, storing nothing. */
export async function checkUpload(content: Buffer, rules: UploadRules): Promise<UploadCheck> {
  const inspector = new UploadInspector(rules);
  try {
    await pipeline(Readable.from([content]), inspector, new Writable({ write: (_chunk, _encoding, next) => next() }));
  } catch (error) {
    if (error instanceof RefusedUpload) return error.refusal;
    throw error;
  }
  if (!inspector.verdict) throw new Error('the upload inspector finished without a verdict');
  return inspector.verdict;
}

/** Errors of the source reach the inspector, so a broken upload fails instead of hanging. */
function pipeThrough(source: Readable, inspector: UploadInspector): Readable {
  source.once('error', (error) => inspector.destroy(error));
  return source.pipe(inspector);
}

class RefusedUpload extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(refusal.reason);
    this.name = 'RefusedUpload';
  }
}

/** How much of the start of a text file is looked at for signs of a web page. */
const TEXT_HEAD_BYTES = 1024;
const MARKUP = /^\s*<(!doctype\s+html|html|head|body|script|svg|\?xml|iframe|object|embed)\b/i;

/**
 * Passes content through unchanged while counting it, detecting its kind (file-type reads a copy,
 * as far as it needs), and checking that anything undetected is UTF-8 text without NUL bytes.
 * Fails with a `RefusedUpload` as soon as the content cannot be accepted; the verdict for an
 * accepted file is known only once the content has ended.
 */
class UploadInspector extends Transform {
  verdict: UploadCheck | undefined;
  private size = 0;
  private readonly extension: string;
  private readonly probe = new PassThrough();
  private readonly detection: Promise<FileTypeResult | undefined>;
  private detected: { type: FileTypeResult | undefined } | undefined;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private isText = true;
  private textHead = '';

  constructor(private readonly rules: UploadRules) {
    super();
    this.extension = extensionOf(rules.originalName);
    this.detection = fileTypeFromStream(this.probe).then(
      (type) => type,
      // A file file-type cannot parse is "not detected": it still has to pass as text.
      () => undefined,
    );
    void this.detection.then((type) => {
      this.detected = { type };
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.rules.maxBytes) {
      callback(new RefusedUpload(refusal('files.errors.tooLarge', { limit: megabytes(this.rules.maxBytes) })));
      return;
    }
    this.checkText(chunk);
    const early = this.detected ? this.judgeDetected(this.detected.type) : undefined;
    if (early && !early.ok) {
      callback(new RefusedUpload(early));
      return;
    }
    if (this.probe.destroyed || this.probe.writableEnded || this.probe.write(chunk)) {
      callback(null, chunk);
      return;
    }
    // file-type is slower than the upload: wait for it to read, or to finish.
    const resume = () => {
      this.probe.off('drain', resume);
      this.probe.off('close', resume);
      callback(null, chunk);
    };
    this.probe.on('drain', resume);
    this.probe.on('close', resume);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.probe.destroyed) this.probe.end();
    this.detection.then(
      (type) => {
        const verdict = this.size === 0 ? refusal('files.errors.empty') : this.judge(type);
        this.verdict = verdict;
        callback(verdict.ok ? null : new RefusedUpload(verdict));
      },
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.probe.destroy();
    callback(error);
  }

  private checkText(chunk: Buffer): void {
    if (!this.isText) return;
    if (chunk.includes(0)) {
      this.isText = false;
      return;
    }
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      if (this.textHead.length < TEXT_HEAD_BYTES) this.textHead += text.slice(0, TEXT_HEAD_BYTES);
    } catch {
      this.isText = false;
    }
  }

  /** A refusal as soon as the detected kind makes one certain; undefined while it may pass. */
  private judgeDetected(type: FileTypeResult | undefined): UploadCheck | undefined {
    return type ? this.judge(type) : undefined;
  }

  private judge(type: FileTypeResult | undefined): UploadCheck {
    if (type) {
      const allowed = BY_DETECTED_EXTENSION[type.ext];
      if (!allowed) return refusal('files.errors.typeNotAllowed');
      return this.named(allowed);
    }
    if (!this.isText || !this.textComplete() || MARKUP.test(this.textHead.replace(/^\ufeff/, ''))) {
      return refusal('files.errors.typeNotAllowed');
    }
    return this.named(PLAIN_TEXT);
  }

  /** The kind is allowed; the name must not say it is something else. */
  private named(allowed: AllowedKind): UploadCheck {
    if (this.extension === '' || allowed.extensions.includes(this.extension)) {
      return { ok: true, contentType: allowed.contentType, extension: allowed.extension };
    }
    // Named as another kind we accept ("photo.pdf" holding a PNG): disguised. Named as a kind we do
    // not accept (a PNG called "photo.exe", a text file called "page.html"): not allowed either way.
    return KNOWN_EXTENSIONS.has(this.extension) || allowed !== PLAIN_TEXT
      ? refusal('files.errors.disguised')
      : refusal('files.errors.typeNotAllowed');
  }

  /** The text ended on a whole character. */
  private textComplete(): boolean {
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}
