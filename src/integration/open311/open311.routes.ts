// Open311 GeoReport v2 at /open311/v2/ (CONTRACT.md), with mySociety's extensions as FixMyStreet
// uses them. Every answer is XML or JSON by the path's suffix; every refusal is the spec's error
// list in the same format. The catalogue is public; requests and updates need an `api_key` (a
// OneDoor API key with the scope open311:write), because cases carry what residents told the council.
// Posts are form-encoded (global) or multipart with a photo (registered here only).
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyActor } from '../../platform/actor.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../../platform/errors.ts';
import { megabytes } from '../../platform/files/checkUpload.ts';
import type { FileStore } from '../../platform/files/store.ts';
import type { CountHit } from '../../platform/http/rateLimits.ts';
import { readUploadForm, setUpUploads, type UploadForm } from '../../platform/http/uploads.ts';
import { Open311Refusal, textOf, type Fields } from './fields.ts';
import { describeProblems, type Media, type Open311Service } from './service.ts';
import { CONTENT_TYPES, errorBody, isFormat, xmlDocument, xmlList, type Format, type WireValue } from './wireFormat.ts';

export const OPEN311_PREFIX = '/open311/v2';
/** Requests and updates each key may post per minute; beyond that, 429 until the minute ends. */
const WRITE_LIMIT = { max: 120, windowMs: 60_000 };
/** When this endpoint last changed in a way a client would notice (discovery's changeset). */
const CHANGESET = '2026-12-06T00:00:00Z';
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

export interface Open311RouteOptions {
  open311: Open311Service;
  apiKeys: { verify(token: string, ip: string | null): Promise<ApiKeyActor | undefined> };
  countHit: CountHit;
  files: FileStore;
  uploadMaxBytes: number;
  publicUrl: string;
  councilName: () => Promise<string>;
  writeLimit?: { max: number; windowMs: number };
}

/** The format a path asks for (its suffix), XML when it names none. */
function formatOfUrl(url: string): Format {
  return /\.json(\?|$)/i.test(url) ? 'json' : 'xml';
}

/** `name.fmt` → [name, fmt]; a path without a known format is not one of ours. */
function split(file: string): [string, Format] {
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1).toLowerCase();
  if (dot < 1 || !isFormat(format)) throw new Open311Refusal(404, 'Not found: end the path with .xml or .json');
  return [decodeURIComponent(file.slice(0, dot)), format];
}

function formatOf(value: string): Format {
  const format = value.toLowerCase();
  if (!isFormat(format)) throw new Open311Refusal(404, 'Not found: end the path with .xml or .json');
  return format;
}

function send(reply: FastifyReply, format: Format, root: string, value: WireValue, status = 200) {
  const body = format === 'json' ? JSON.stringify(value) : Array.isArray(value) ? xmlList(root, value) : xmlDocument(root, value);
  return reply.code(status).header('content-type', CONTENT_TYPES[format]).send(body);
}

function fieldsOf(request: FastifyRequest, form?: UploadForm): Fields {
  const body = form ? form.fields : request.body;
  return {
    ...((request.query as Fields | undefined) ?? {}),
    ...(body !== null && typeof body === 'object' ? (body as Fields) : {}),
  };
}

export const open311Routes: FastifyPluginAsync<Open311RouteOptions> = async (app, options) => {
  const { open311, apiKeys, countHit, files } = options;
  const writeLimit = options.writeLimit ?? WRITE_LIMIT;
  await setUpUploads(app, { maxBytes: options.uploadMaxBytes, maxFilesPerRequest: 2 });
  setUpOpen311Errors(app);

  // Posts are forms, as the spec says: anything else is refused before its body is read.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && !FORM_TYPES.test(request.headers['content-type'] ?? ''))
      throw new Open311Refusal(400, 'Content-Type must be application/x-www-form-urlencoded or multipart/form-data');
  });

  async function authenticate(request: FastifyRequest, fields: Fields): Promise<ApiKeyActor> {
    const token = textOf(fields, 'api_key');
    if (token === undefined) throw new Open311Refusal(403, 'api_key is required');
    const key = await apiKeys.verify(token, request.ip);
    if (!key) throw new Open311Refusal(403, 'api_key is not valid, or has been revoked');
    if (!key.scopes.includes('open311:write')) throw new Open311Refusal(403, 'api_key was not given the scope open311:write');
    return key;
  }

  async function countWrite(key: ApiKeyActor, reply: FastifyReply) {
    const hit = await countHit(`open311:${key.id}`, writeLimit.windowMs);
    if (hit.current > writeLimit.max) {
      reply.header('Retry-After', String(Math.ceil(hit.ttl / 1000)));
      throw new Open311Refusal(429, 'Too many requests with this api_key: try again later');
    }
  }

  app.get<{ Params: { format: string } }>('/discovery.:format', async (request, reply) => {
    const format = formatOf(request.params.format);
    const url = new URL(OPEN311_PREFIX, options.publicUrl).toString();
    return send(reply, format, 'discovery', {
      changeset: CHANGESET,
      contact: await options.councilName(),
      key_service: 'Ask the council for an API key with the scope open311:write',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url,
          changeset: CHANGESET,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
  });

  app.get<{ Params: { format: string } }>('/services.:format', async (request, reply) =>
    send(reply, formatOf(request.params.format), 'services', await open311.services()),
  );

  app.get<{ Params: { file: string } }>('/services/:file', async (request, reply) => {
    const [code, format] = split(request.params.file);
    return send(reply, format, 'service_definition', await open311.definition(code));
  });

  app.get<{ Params: { format: string } }>('/requests.:format', async (request, reply) => {
    const format = formatOf(request.params.format);
    const fields = fieldsOf(request);
    const key = await authenticate(request, fields);
    return send(reply, format, 'service_requests', await open311.requests(key, fields));
  });

  app.get<{ Params: { file: string } }>('/requests/:file', async (request, reply) => {
    const [id, format] = split(request.params.file);
    const fields = fieldsOf(request);
    const key = await authenticate(request, fields);
    return send(reply, format, 'service_requests', await open311.request(key, id, fields));
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', async (request, reply) => {
    const [token, format] = split(request.params.file);
    const key = await authenticate(request, fieldsOf(request));
    return send(reply, format, 'service_requests', await open311.token(key, token));
  });

  app.post<{ Params: { format: string } }>('/requests.:format', async (request, reply) => {
    const format = formatOf(request.params.format);
    // A key sent before the photo is checked before the photo is read.
    const early = textOf(fieldsOf(request), 'api_key') !== undefined ? await authenticate(request, fieldsOf(request)) : undefined;
    const form = await readUploadForm(request, { store: files, maxFiles: 1 });
    try {
      const fields = fieldsOf(request, form);
      const key = early ?? (await authenticate(request, fields));
      await countWrite(key, reply);
      const media = mediaOf(form, options.uploadMaxBytes);
      const raised = await open311.raise(key, fields, media, request.t);
      // The same report sent again: its case is the answer, and this copy of the photo is not needed.
      if (!raised.isNew) await form.discard();
      return send(reply, format, 'service_requests', raised.answer);
    } catch (error) {
      await form.discard();
      throw error;
    }
  });

  app.get<{ Params: { format: string } }>('/servicerequestupdates.:format', async (request, reply) => {
    const format = formatOf(request.params.format);
    const fields = fieldsOf(request);
    const key = await authenticate(request, fields);
    return send(reply, format, 'service_request_updates', await open311.updates(key, fields));
  });

  app.post<{ Params: { format: string } }>('/servicerequestupdates.:format', async (request, reply) => {
    const format = formatOf(request.params.format);
    // Photos on updates are not kept (media_url is): the form's files are read and let go.
    const form = await readUploadForm(request, { store: files, maxFiles: 0 });
    await form.discard();
    const fields = fieldsOf(request, form);
    const key = await authenticate(request, fields);
    await countWrite(key, reply);
    return send(reply, format, 'service_request_updates', await open311.postUpdate(key, fields));
  });
};

/** The photo of a request (the `media` field, or the only file sent), or the spec's error for a refused one. */
function mediaOf(form: UploadForm, maxBytes: number): Media | undefined {
  const [file] = form.files;
  if (!file) return undefined;
  if (!file.ok) {
    if (file.reason === 'files.errors.tooLarge')
      throw new Open311Refusal(413, `media must be smaller than ${megabytes(maxBytes)} MB`);
    if (file.reason === 'files.errors.empty') throw new Open311Refusal(400, 'media is empty');
    if (file.reason === 'files.errors.tooMany') throw new Open311Refusal(400, 'Send one media file with a request');
    throw new Open311Refusal(400, 'media must be a photo (JPEG, PNG, GIF, WebP or HEIC) or a PDF');
  }
  return {
    key: file.stored.key,
    fileName: file.originalName,
    contentType: file.stored.contentType,
    sizeBytes: file.stored.size,
    sha256: file.stored.sha256,
  };
}

/** Refusals as the spec's errors, in the format the path asked for; never a stack trace. */
function setUpOpen311Errors(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    const format = formatOfUrl(request.url);
    return reply
      .code(404)
      .header('content-type', CONTENT_TYPES[format])
      .send(errorBody(format, [{ code: 404, description: 'Not found' }]));
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    const say = (key: string, params?: Record<string, string | number>) => (request.t ? request.t(key, params) : key);
    let status: number;
    let description: string;
    if (error instanceof Open311Refusal) [status, description] = [error.status, error.description];
    else if (error instanceof NotFound) [status, description] = [404, `${error.what} was not found`];
    else if (error instanceof NotAllowed) [status, description] = [403, 'api_key may not do this'];
    else if (error instanceof Invalid) [status, description] = [400, describeProblems(error.errors, (key) => say(key))];
    else if (error instanceof Conflict) [status, description] = [400, say(error.reason)];
    else {
      const statusCode = (error as { statusCode?: number }).statusCode ?? 500;
      // A body the multipart parser could not read (no statusCode of its own): the client's fault.
      const unreadable = statusCode === 500 && String((error as Error).stack ?? '').includes('busboy');
      if (unreadable) [status, description] = [400, `The multipart body could not be read: ${(error as Error).message}`];
      else if (statusCode === 413) [status, description] = [413, 'The request is too large'];
      else if (statusCode === 429) [status, description] = [429, 'Too many requests: try again later'];
      else if (statusCode >= 400 && statusCode < 500)
        [status, description] = [400, `The request could not be read: ${(error as Error).message}`];
      else [status, description] = [500, 'Sorry, there is a problem with the service'];
    }
    if (status >= 500) request.log.error({ err: error }, 'Open311 request failed');
    else request.log.info({ err: { message: description } }, 'Open311 request refused');
    const format = formatOfUrl(request.url);
    return reply
      .code(status)
      .header('content-type', CONTENT_TYPES[format])
      .send(errorBody(format, [{ code: status, description }]));
  });
}
