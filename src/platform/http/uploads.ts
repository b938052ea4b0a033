// Forms with files (`enctype="multipart/form-data"`) on the pages. Files are streamed, one at a
// time, through the upload check into the file store: never held whole in memory, never written
// under the name the person gave, and nothing is left on disk for a refused file, a form the
// route discards, or a request the client abandons.
//
// CSRF: before any route code runs, the text fields at the start of the form are read into
// `request.body`, so the ordinary check (csrf.ts reads `request.body._csrf`) applies to multipart
// forms too, before a single file byte is stored. Forms therefore put `_csrf` first, as
// partials/csrf.njk does when it is included straight after `<form>`: browsers send fields in
// the order of the page. A file before the token means no token, and the form is refused.
import multipart, { type MultipartFile, type MultipartValue, type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { finished } from 'node:stream/promises';
import { refusal, storeUpload, type CheckedFile, type RefusalReason } from '../files/checkUpload.ts';
import { cleanFileName } from '../files/fileNames.ts';
import type { FileStore, StoredFile } from '../files/store.ts';

export interface UploadSettings {
  /** The largest file accepted, in bytes (UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** The most files one request may carry at all; a route takes at most its own `maxFiles` of them. */
  maxFilesPerRequest?: number;
}

export type FormFields = Record<string, string | string[]>;

export type UploadedFile =
  | { ok: true; fieldName: string; originalName: string; stored: StoredFile & CheckedFile }
  | { ok: false; fieldName: string; originalName: string; reason: RefusalReason; params: Record<string, string | number> };

export interface UploadForm {
  fields: FormFields;
  /** In the order sent; a file input left empty sends no file and is not listed. */
  files: UploadedFile[];
  /** Removes every file this form stored: when the form is invalid or the change fails. */
  discard(): Promise<void>;
}

interface UploadState {
  parts: AsyncIterator<Multipart>;
  /** The part being read: the first file, found while reading the fields before it. */
  current: Multipart | undefined;
  fields: FormFields;
  maxBytes: number;
  done: boolean;
}

const states = new WeakMap<FastifyRequest, UploadState>();

const MAX_FIELDS = 200;
const MAX_FIELD_BYTES = 1024 * 1024;

export async function setUpUploads(app: FastifyInstance, settings: UploadSettings): Promise<void> {
  const maxFiles = settings.maxFilesPerRequest ?? 20;
  await app.register(multipart, {
    // One byte over the limit reaches the check, which refuses the file; busboy drops the rest.
    throwFileSizeLimit: false,
    limits: {
      fileSize: settings.maxBytes + 1,
      files: maxFiles,
      fields: MAX_FIELDS,
      fieldSize: MAX_FIELD_BYTES,
      parts: MAX_FIELDS + maxFiles,
      headerPairs: 100,
    },
  });

  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const state: UploadState = {
      parts: request.parts()[Symbol.asyncIterator](),
      current: undefined,
      fields: {},
      maxBytes: settings.maxBytes,
      done: false,
    };
    states.set(request, state);
    for (;;) {
      const next = await state.parts.next();
      if (next.done) {
        state.done = true;
        break;
      }
      if (next.value.type === 'file') {
        state.current = next.value;
        break;
      }
      addField(state.fields, next.value);
    }
    request.body = { ...state.fields };
  });

  // A route that refused the form (CSRF, sign-in) or never read it: read the rest away, so the
  // connection can serve its next request. Busboy's limits bound how much that can be.
  app.addHook('onResponse', async (request) => {
    const state = states.get(request);
    if (state && !state.done) void drain(state);
  });
}

/**
 * Reads the rest of a multipart form: its fields and at most `maxFiles` files, each checked and
 * stored as it arrives. Refusals are values in `files`; only a broken request (the client went
 * away) throws, after removing whatever this form had stored. A form that is not multipart gives
 * its fields and no files.
 */
export async function readUploadForm(
  request: FastifyRequest,
  options: { store: FileStore; maxFiles?: number },
): Promise<UploadForm> {
  const maxFiles = options.maxFiles ?? 1;
  const state = states.get(request);
  const stored: StoredFile[] = [];
  const discard = async () => {
    await Promise.all(stored.map((file) => options.store.remove(file.key)));
  };
  if (!state) {
    return { fields: { ...((request.body as FormFields | undefined) ?? {}) }, files: [], discard };
  }
  if (state.done) return { fields: state.fields, files: [], discard };

  const files: UploadedFile[] = [];
  try {
    for (;;) {
      if (!state.current) {
        const next = await state.parts.next();
        if (next.done) break;
        state.current = next.value;
      }
      const part = state.current;
      if (part.type === 'field') {
        addField(state.fields, part);
      } else if (!part.filename) {
        // A file input left empty: browsers still send a part, with no name and no content.
        await drainFile(part);
      } else {
        const uploaded = await receive(part, files.length < maxFiles);
        if (uploaded.ok) stored.push(uploaded.stored);
        files.push(uploaded);
      }
      state.current = undefined;
    }
    state.done = true;
  } catch (error) {
    await discard();
    throw error;
  }
  return { fields: state.fields, files, discard };

  async function receive(part: MultipartFile, wanted: boolean): Promise<UploadedFile> {
    const originalName = cleanFileName(part.filename);
    const outcome = wanted
      ? await storeUpload(options.store, part.file, { originalName, maxBytes: state!.maxBytes })
      : refusal('files.errors.tooMany', { count: maxFiles });
    // A refused file stopped being read part way: read the rest away to reach the next part.
    await drainFile(part);
    const fieldName = part.fieldname;
    return outcome.ok
      ? { ok: true, fieldName, originalName, stored: outcome.file }
      : { ok: false, fieldName, originalName, reason: outcome.reason, params: outcome.params };
  }
}

function addField(fields: FormFields, part: MultipartValue): void {
  const value = typeof part.value === 'string' ? part.value : String(part.value);
  const existing = fields[part.fieldname];
  if (existing === undefined) fields[part.fieldname] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else fields[part.fieldname] = [existing, value];
}

async function drainFile(part: MultipartFile): Promise<void> {
  if (part.file.readableEnded) return;
  part.file.unpipe();
  part.file.resume();
  await finished(part.file);
}

async function drain(state: UploadState): Promise<void> {
  state.done = true;
  try {
    if (state.current?.type === 'file') await drainFile(state.current);
    for (;;) {
      const next = await state.parts.next();
      if (next.done) return;
      if (next.value.type === 'file') await drainFile(next.value);
    }
  } catch {
    // The client went away or broke a limit: nothing more to read.
  }
}
