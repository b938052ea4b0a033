// Stored files: where the content of uploads lives, behind one small interface, so that a council
// can keep files in a directory (the default, under DATA_DIR/files, never under a served folder)
// or, later, in an S3-compatible store, without any capability noticing.
//
// How the cases capability uses it (and any other capability that takes attachments):
//   1. The page route reads the form with `readUploadForm(request, { store })`
//      (src/platform/http/uploads.ts). Each file is streamed through `storeUpload` (checkUpload.ts):
//      the size limit and the type, judged by the content, are checked while it streams; a refused
//      file leaves nothing behind. The route gets, per file, either
//      `{ stored: { key, size, sha256, contentType, extension }, originalName }` or a refusal
//      (an i18n key for the GOV.UK error summary).
//   2. The service records the attachment row (`case_attachments`: the key, the detected content
//      type, the size, the sha256, the cleaned original name, who attached it) in the same
//      transaction as the case change and its audit record. If the transaction fails, or other
//      fields of the form are invalid, the route calls the form's `discard()` so no file is
//      left without a row.
//   3. The download route authorises the reader against the case, then
//      `sendDownload(reply, { stream: await store.open(key), contentType, size, fileName })`
//      (src/platform/http/downloads.ts): always an attachment, never shown inline.
//   4. Removing an attachment deletes the row, then `store.remove(key)` (idempotent).
// Keys are made here, at random; they never contain anything a person typed, and `open` and
// `remove` refuse anything that is not a key this store could have made.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredFile {
  /** The store's name for the content: 32 lowercase hex characters, made at random. */
  key: string;
  /** Bytes stored. */
  size: number;
  /** SHA-256 of the content, lowercase hex: for integrity checks and finding duplicates. */
  sha256: string;
}

export interface FileStore {
  /**
   * Stores the content under a new key, all or nothing: if the content stream fails (a refusal
   * raised by a checking stream, the client going away), nothing is kept and the error is thrown.
   */
  put(content: Readable | Buffer): Promise<StoredFile>;
  /** The stored content. Throws `StoredFileMissing` if there is none under this key. */
  open(key: string): Promise<Readable>;
  /** Removes the content; removing what is not there is not an error. */
  remove(key: string): Promise<void>;
}

const KEY = /^[0-9a-f]{32}$/;

export function isFileKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/** A key that this store could not have made: a bug or a tampered record, never a person's input. */
export class InvalidFileKey extends Error {
  constructor(key: string) {
    super(`not a stored file key: ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'InvalidFileKey';
  }
}

export class StoredFileMissing extends Error {
  constructor(readonly key: string) {
    super(`no stored file ${key}`);
    this.name = 'StoredFileMissing';
  }
}

const TEMPORARY = 'tmp';

/**
 * Files in a directory: `root/ab/abcdef…` (spread over 256 folders), written first to
 * `root/tmp/` on the same file system, flushed, then renamed into place, so a reader never sees
 * half a file and a crash leaves at most a temporary file (see `sweepTemporary`).
 * Files are readable by the owner only.
 */
export function directoryFileStore(root: string): FileStore & {
  root: string;
  /** Removes temporary files older than `olderThanMs`: what a crash mid-upload left behind. */
  sweepTemporary(olderThanMs: number): Promise<number>;
} {
  const absoluteRoot = path.resolve(root);
  const temporaryDirectory = path.join(absoluteRoot, TEMPORARY);

  const pathOf = (key: string): string => {
    if (!isFileKey(key)) throw new InvalidFileKey(key);
    return path.join(absoluteRoot, key.slice(0, 2), key);
  };

  const write = async (source: Readable): Promise<StoredFile> => {
    await fs.promises.mkdir(temporaryDirectory, { recursive: true, mode: 0o700 });
    const key = crypto.randomBytes(16).toString('hex');
    const temporary = path.join(temporaryDirectory, `${key}.part`);
    const measure = new Measure();
    const handle = await fs.promises.open(temporary, 'wx', 0o600);
    try {
      // `flush`: on disk before the rename makes it visible; the stream closes the handle.
      await pipeline(source, measure, handle.createWriteStream({ flush: true }));
      const final = pathOf(key);
      await fs.promises.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      await fs.promises.rename(temporary, final);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
    return { key, size: measure.size, sha256: measure.hash.digest('hex') };
  };

  return {
    root: absoluteRoot,

    async put(content) {
      const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
      // Until the pipeline below is wired, a failing source (the client going away) must not be an
      // unhandled 'error': the pipeline finds the stream already failed and reports it.
      const holdError = () => undefined;
      source.on('error', holdError);
      try {
        return await write(source);
      } finally {
        source.off('error', holdError);
      }
    },

    async open(key) {
      const file = pathOf(key);
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissing(key);
        throw error;
      }
      return handle.createReadStream();
    },

    async remove(key) {
      await fs.promises.rm(pathOf(key), { force: true });
    },

    async sweepTemporary(olderThanMs) {
      let names: string[];
      try {
        names = await fs.promises.readdir(temporaryDirectory);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
      const before = Date.now() - olderThanMs;
      let removed = 0;
      for (const name of names) {
        const file = path.join(temporaryDirectory, name);
        const stat = await fs.promises.stat(file).catch(() => undefined);
        if (stat && stat.mtimeMs < before) {
          await fs.promises.rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}

/** Counts and hashes what passes through. */
class Measure extends Transform {
  size = 0;
  readonly hash = crypto.createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }
}
