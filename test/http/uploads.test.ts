// Uploads and downloads over real HTTP, through the product's own machinery (sessions, CSRF,
// error handling, security headers, multipart, the check, the directory store) mounted on a tiny
// app built here: the cases capability mounts the same pieces on its own routes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { directoryFileStore } from '../../src/platform/files/store.ts';
import { setUpCsrf } from '../../src/platform/http/csrf.ts';
import { sendDownload } from '../../src/platform/http/downloads.ts';
import { setUpErrorHandling } from '../../src/platform/http/errors.ts';
import { setUpWebSecurity } from '../../src/platform/http/security.ts';
import { setUpSessions, type SessionStoreLike } from '../../src/platform/http/sessions.ts';
import { readUploadForm } from '../../src/platform/http/uploads.ts';
import { setUpUploads } from '../../src/platform/http/uploads.ts';
import { aPdf, aPng, anExe } from '../support/files.ts';
import '../../src/platform/http/types.ts';

const LIMIT = 100 * 1024;

/** Sessions in memory: enough for CSRF tokens in a test. */
function memorySessions(): SessionStoreLike {
  const sessions = new Map<string, unknown>();
  return {
    get: (id, callback) => callback(null, sessions.get(id) ?? null),
    set: (id, session, callback) => {
      sessions.set(id, JSON.parse(JSON.stringify(session)));
      callback(null);
    },
    destroy: (id, callback) => {
      sessions.delete(id);
      callback(null);
    },
  };
}

describe('uploading and downloading files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-uploads-'));
  const store = directoryFileStore(root);
  /** What the cases capability keeps in case_attachments, kept here in memory. */
  const attachments = new Map<string, { contentType: string; size: number; originalName: string }>();
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    app = Fastify({ logger: false });
    await setUpWebSecurity(app, { https: false });
    await app.register(cookie);
    await app.register(formBody);
    setUpErrorHandling(app);
    await app.register(async (pages) => {
      await setUpSessions(pages, { secret: 'a test secret that is long enough to sign with', store: memorySessions() });
      await setUpCsrf(pages);
      await setUpUploads(pages, { maxBytes: LIMIT });

      pages.get('/form', async (_request, reply) =>
        reply.type('text/html').send(`<form><input type="hidden" name="_csrf" value="${reply.generateCsrf()}"></form>`),
      );
      pages.post('/attachments', async (request) => {
        const form = await readUploadForm(request, { store, maxFiles: 2 });
        for (const file of form.files) {
          if (file.ok) {
            attachments.set(file.stored.key, {
              contentType: file.stored.contentType,
              size: file.stored.size,
              originalName: file.originalName,
            });
          }
        }
        return { fields: form.fields, files: form.files };
      });
      // A route that takes an ordinary form: a multipart post still gets its CSRF check.
      pages.post('/delete-everything', async () => ({ deleted: true }));
      pages.get<{ Params: { key: string } }>('/attachments/:key', async (request, reply) => {
        const attachment = attachments.get(request.params.key);
        if (!attachment) return reply.code(404).send('not found');
        return sendDownload(reply, {
          stream: await store.open(request.params.key),
          contentType: attachment.contentType,
          size: attachment.size,
          fileName: attachment.originalName,
        });
      });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const storedFiles = (): string[] =>
    fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));

  /** A session cookie and its CSRF token, as a browser has them after loading a form. */
  async function aFormSession(): Promise<{ cookie: string; token: string }> {
    const response = await fetch(`${url}/form`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
    const sessionCookie = response.headers.getSetCookie()[0]?.split(';')[0];
    assert.ok(token && sessionCookie);
    return { cookie: sessionCookie, token };
  }

  type Entry = [name: string, value: string] | [name: string, content: Buffer, fileName: string, type?: string];

  async function post(path: string, entries: Entry[]): Promise<Response> {
    const { cookie: sessionCookie } = session;
    const form = new FormData();
    for (const [name, value, fileName, type] of entries) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([value], { type: type ?? 'application/octet-stream' }), fileName);
    }
    return await fetch(`${url}${path}`, { method: 'POST', body: form, headers: { cookie: sessionCookie } });
  }

  let session: { cookie: string; token: string };
  before(async () => {
    session = await aFormSession();
  });

  it('stores a PNG as it is, and gives the same bytes back as a download', async () => {
    const png = aPng();
    const response = await post('/attachments', [
      ['_csrf', session.token],
      ['note', 'Pothole outside number 4'],
      ['attachment', png, 'Pothole – Stryd y Bont.png', 'application/pdf'],
    ]);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      fields: Record<string, string>;
      files: { ok: boolean; originalName: string; stored: { key: string; contentType: string; size: number } }[];
    };
    assert.equal(body.fields.note, 'Pothole outside number 4');
    assert.equal(body.files.length, 1);
    const [file] = body.files;
    assert.ok(file?.ok);
    assert.equal(file.originalName, 'Pothole – Stryd y Bont.png');
    assert.equal(file.stored.contentType, 'image/png', 'the type detected, not the one the browser claimed');
    assert.equal(file.stored.size, png.length);
    assert.deepEqual(storedFiles(), [path.join(file.stored.key.slice(0, 2), file.stored.key)]);

    const download = await fetch(`${url}/attachments/${file.stored.key}`);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), png);
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.equal(download.headers.get('content-length'), String(png.length));
    assert.equal(
      download.headers.get('content-disposition'),
      `attachment; filename="Pothole _ Stryd y Bont.png"; filename*=UTF-8''Pothole%20%E2%80%93%20Stryd%20y%20Bont.png`,
    );
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(download.headers.get('cache-control'), 'private, no-store');
    assert.match(download.headers.get('content-security-policy') ?? '', /^sandbox; default-src 'none'/);

    await store.remove(file.stored.key);
  });

  it('refuses a file over the limit with a reason, keeps nothing, and still reads the rest of the form', async () => {
    const response = await post('/attachments', [
      ['_csrf', session.token],
      ['attachment', Buffer.alloc(LIMIT * 3, 'a'), 'huge.txt', 'text/plain'],
      ['note', 'after the file'],
      ['attachment', aPdf(), 'letter.pdf'],
    ]);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { fields: Record<string, string>; files: Record<string, unknown>[] };
    assert.equal(body.fields.note, 'after the file');
    assert.deepEqual(body.files[0], {
      ok: false,
      fieldName: 'attachment',
      originalName: 'huge.txt',
      reason: 'files.errors.tooLarge',
      params: { limit: '0.1' },
    });
    assert.equal(body.files[1]?.ok, true, 'the next file in the same form is stored');
    const { key } = body.files[1]!.stored as { key: string };
    assert.deepEqual(storedFiles(), [path.join(key.slice(0, 2), key)]);
    await store.remove(key);
  });

  it('refuses a disguised file and a program, keeping nothing', async () => {
    const response = await post('/attachments', [
      ['_csrf', session.token],
      ['attachment', aPng(), 'invoice.pdf', 'application/pdf'],
      ['attachment', anExe(), 'photo.jpg', 'image/jpeg'],
    ]);
    const body = (await response.json()) as { files: { ok: boolean; reason: string }[] };
    assert.deepEqual(
      body.files.map((file) => [file.ok, file.reason]),
      [
        [false, 'files.errors.disguised'],
        [false, 'files.errors.typeNotAllowed'],
      ],
    );
    assert.deepEqual(storedFiles(), []);
  });

  it('takes at most the files the route asks for, and ignores a file input left empty', async () => {
    const response = await post('/attachments', [
      ['_csrf', session.token],
      ['attachment', Buffer.alloc(0), ''],
      ['attachment', aPng(), 'one.png'],
      ['attachment', aPdf(), 'two.pdf'],
      ['attachment', aPng(), 'three.png'],
    ]);
    const body = (await response.json()) as {
      files: { ok: boolean; originalName: string; reason?: string; stored?: { key: string } }[];
    };
    assert.deepEqual(
      body.files.map((file) => [file.originalName, file.ok, file.reason]),
      [
        ['one.png', true, undefined],
        ['two.pdf', true, undefined],
        ['three.png', false, 'files.errors.tooMany'],
      ],
    );
    assert.equal(storedFiles().length, 2);
    for (const file of body.files) if (file.stored) await store.remove(file.stored.key);
  });

  it('refuses a multipart form without the CSRF token, or with it after a file, storing nothing', async () => {
    const withoutToken = await post('/attachments', [['attachment', aPng(), 'photo.png']]);
    assert.equal(withoutToken.status, 403);
    const tokenTooLate = await post('/attachments', [
      ['attachment', aPng(), 'photo.png'],
      ['_csrf', session.token],
    ]);
    assert.equal(tokenTooLate.status, 403);
    const wrongToken = await post('/attachments', [
      ['_csrf', 'not-the-token'],
      ['attachment', aPng(), 'photo.png'],
    ]);
    assert.equal(wrongToken.status, 403);
    assert.deepEqual(storedFiles(), []);
  });

  it('checks the CSRF token of a multipart post to a route that takes no files', async () => {
    const forged = await post('/delete-everything', [['reason', 'forged from another site']]);
    assert.equal(forged.status, 403);
    const genuine = await post('/delete-everything', [
      ['_csrf', session.token],
      ['reason', 'asked for'],
    ]);
    assert.equal(genuine.status, 200);
  });

  it('keeps nothing of a file whose upload the client abandons part way', async () => {
    const boundary = 'abandoned-upload-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${session.token}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="notes.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\n`,
    );
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${session.cookie}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + LIMIT}\r\n\r\n`,
    );
    socket.write(head);
    socket.write(Buffer.alloc(LIMIT / 2, 'a'));
    await until(() => storedFiles().some((file) => file.startsWith('tmp') && fs.statSync(path.join(root, file)).size > 0));
    socket.destroy();
    await until(() => storedFiles().length === 0);
    assert.deepEqual(storedFiles(), []);
  });
});

/** Waits for something the server does in its own time, without assuming how long it takes. */
async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), 'the condition never held');
}
