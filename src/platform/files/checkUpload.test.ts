import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { aDocx, aJpeg, anElf, anExe, anOdt, aPdf, aPng, aZip } from '../../../test/support/files.ts';
import { checkUpload, megabytes, storeUpload } from './checkUpload.ts';
import { directoryFileStore } from './store.ts';

const LIMIT = 64 * 1024;
const check = (content: Buffer | string, originalName: string, maxBytes = LIMIT) =>
  checkUpload(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), { originalName, maxBytes });

describe('checking an upload by what it contains', () => {
  it('accepts a PNG, a PDF and a JPEG, keeping the detected content type', async () => {
    assert.deepEqual(await check(aPng(), 'photo.png'), { ok: true, contentType: 'image/png', extension: 'png' });
    assert.deepEqual(await check(aPdf(), 'letter.PDF'), { ok: true, contentType: 'application/pdf', extension: 'pdf' });
    assert.deepEqual(await check(aJpeg(), 'pothole.jpeg'), { ok: true, contentType: 'image/jpeg', extension: 'jpg' });
  });

  it('accepts Word and OpenDocument files, which are zips inside', async () => {
    assert.deepEqual(await check(aDocx(), 'statement.docx'), {
      ok: true,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
    });
    assert.deepEqual(await check(anOdt(), 'statement.odt'), {
      ok: true,
      contentType: 'application/vnd.oasis.opendocument.text',
      extension: 'odt',
    });
  });

  it('accepts a file whose name has no extension, by its content', async () => {
    assert.deepEqual(await check(aPng(), 'IMG_0001'), { ok: true, contentType: 'image/png', extension: 'png' });
  });

  it('refuses a PNG named as a PDF, or as a program, as disguised', async () => {
    assert.deepEqual(await check(aPng(), 'invoice.pdf'), { ok: false, reason: 'files.errors.disguised', params: {} });
    assert.deepEqual(await check(aPng(), 'photo.exe'), { ok: false, reason: 'files.errors.disguised', params: {} });
    assert.deepEqual(await check(aDocx(), 'statement.xlsx'), { ok: false, reason: 'files.errors.disguised', params: {} });
  });

  it('refuses programs and web pages whatever they are called', async () => {
    for (const [content, name] of [
      [anExe(), 'setup.exe'],
      [anExe(), 'photo.png'],
      [anElf(), 'tool'],
      [aZip({ 'a.txt': 'hello' }), 'archive.zip'],
      ['<!DOCTYPE html><html><script>alert(1)</script></html>', 'page.html'],
      ['<html><body>hello</body></html>', 'notes.txt'],
      ['\ufeff  <svg xmlns="http://www.w3.org/2000/svg"/>', 'drawing.txt'],
    ] as const) {
      assert.deepEqual(await check(content, name), { ok: false, reason: 'files.errors.typeNotAllowed', params: {} }, name);
    }
  });

  it('accepts plain UTF-8 text, and refuses text with a NUL byte or broken UTF-8', async () => {
    assert.deepEqual(await check('Bin not collected on Tuesday.\nDiolch — Siân', 'notes.txt'), {
      ok: true,
      contentType: 'text/plain',
      extension: 'txt',
    });
    assert.deepEqual(await check('Bin not\0collected', 'notes.txt'), {
      ok: false,
      reason: 'files.errors.typeNotAllowed',
      params: {},
    });
    assert.deepEqual(await check(Buffer.from([0x61, 0x62, 0xc3, 0x28]), 'notes.txt'), {
      ok: false,
      reason: 'files.errors.typeNotAllowed',
      params: {},
    });
    // Ending half-way through a character is not valid UTF-8 either.
    assert.deepEqual(await check(Buffer.from([0x61, 0xe2, 0x82]), 'notes.txt'), {
      ok: false,
      reason: 'files.errors.typeNotAllowed',
      params: {},
    });
  });

  it('refuses text named as another kind it is not', async () => {
    assert.deepEqual(await check('just words', 'scan.pdf'), { ok: false, reason: 'files.errors.disguised', params: {} });
    assert.deepEqual(await check('just words', 'run.sh'), { ok: false, reason: 'files.errors.typeNotAllowed', params: {} });
  });

  it('refuses an empty file', async () => {
    assert.deepEqual(await check(Buffer.alloc(0), 'empty.pdf'), { ok: false, reason: 'files.errors.empty', params: {} });
  });

  it('refuses a file over the limit, saying the limit in MB, and accepts one exactly at it', async () => {
    const text = Buffer.alloc(2 * 1024 * 1024, 'a');
    assert.deepEqual(await check(text, 'big.txt', 1024 * 1024), {
      ok: false,
      reason: 'files.errors.tooLarge',
      params: { limit: '1' },
    });
    assert.equal((await check(text, 'exact.txt', text.length)).ok, true);
  });

  it('says the limit as people do', () => {
    assert.equal(megabytes(10 * 1024 * 1024), '10');
    assert.equal(megabytes(2.5 * 1024 * 1024), '2.5');
  });
});

describe('storing an upload while checking it', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-upload-'));
  const store = directoryFileStore(root);
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const filesIn = (directory: string): string[] =>
    fs
      .readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);

  /** Content arriving in small pieces, as an upload does. */
  const trickle = (content: Buffer, size = 1000) =>
    Readable.from(
      (function* () {
        for (let start = 0; start < content.length; start += size) yield content.subarray(start, start + size);
      })(),
    );

  it('stores an accepted file with its detected type, size and hash', async () => {
    const png = aPng();
    const outcome = await storeUpload(store, trickle(png, 7), { originalName: 'photo.png', maxBytes: LIMIT });
    assert.ok(outcome.ok);
    assert.equal(outcome.file.contentType, 'image/png');
    assert.equal(outcome.file.size, png.length);
    const stored = await store.open(outcome.file.key);
    assert.deepEqual(Buffer.concat(await stored.toArray()), png);
    await store.remove(outcome.file.key);
  });

  it('keeps nothing of a file refused for its size, its type or its name', async () => {
    const refusals = [
      await storeUpload(store, trickle(Buffer.alloc(200_000, 'a')), { originalName: 'big.txt', maxBytes: LIMIT }),
      await storeUpload(store, trickle(anExe()), { originalName: 'setup.exe', maxBytes: LIMIT }),
      await storeUpload(store, trickle(aPng()), { originalName: 'invoice.pdf', maxBytes: LIMIT }),
      await storeUpload(store, trickle(Buffer.from('half\0text')), { originalName: 'a.txt', maxBytes: LIMIT }),
    ];
    assert.deepEqual(
      refusals.map((outcome) => !outcome.ok && outcome.reason),
      ['files.errors.tooLarge', 'files.errors.typeNotAllowed', 'files.errors.disguised', 'files.errors.typeNotAllowed'],
    );
    assert.deepEqual(filesIn(root), []);
  });

  it('stops reading a file as soon as it is over the limit', async () => {
    let pieces = 0;
    const endless = new Readable({
      read() {
        pieces += 1;
        this.push(Buffer.alloc(1024, 'a'));
      },
    });
    const outcome = await storeUpload(store, endless, { originalName: 'endless.txt', maxBytes: LIMIT });
    assert.equal(!outcome.ok && outcome.reason, 'files.errors.tooLarge');
    assert.ok(pieces < 200, `read ${pieces} pieces of 1 KiB for a 64 KiB limit`);
    endless.destroy();
    assert.deepEqual(filesIn(root), []);
  });

  it('keeps nothing and throws when the content breaks off', async () => {
    const broken = new Readable({ read() {} });
    broken.push(aPng().subarray(0, 20));
    setImmediate(() => broken.destroy(new Error('client went away')));
    await assert.rejects(storeUpload(store, broken, { originalName: 'photo.png', maxBytes: LIMIT }), /client went away/);
    assert.deepEqual(filesIn(root), []);
  });
});
