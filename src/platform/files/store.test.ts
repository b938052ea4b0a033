import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { directoryFileStore, InvalidFileKey, isFileKey, StoredFileMissing } from './store.ts';

/** Waits, a turn of the event loop at a time, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'the condition never held');
}

describe('the directory file store', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-store-'));
  const store = directoryFileStore(root);
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const read = async (stream: Readable) => Buffer.concat(await stream.toArray());
  const filesIn = (directory: string): string[] =>
    fs
      .readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));

  it('stores content under a random key, with its size and SHA-256, readable by its owner only', async () => {
    const stored = await store.put(Buffer.from('hello'));
    assert.ok(isFileKey(stored.key));
    assert.equal(stored.size, 5);
    assert.equal(stored.sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.deepEqual(await read(await store.open(stored.key)), Buffer.from('hello'));
    assert.deepEqual(filesIn(root), [path.join(stored.key.slice(0, 2), stored.key)]);
    assert.equal(fs.statSync(path.join(root, stored.key.slice(0, 2), stored.key)).mode & 0o777, 0o600);

    const again = await store.put(Readable.from([Buffer.from('hel'), Buffer.from('lo')]));
    assert.notEqual(again.key, stored.key, 'the same content twice is two files: removing one leaves the other');
    assert.equal(again.sha256, stored.sha256);
  });

  it('writes to a temporary file and renames it into place only when the content is complete', async () => {
    const content = new PassThrough();
    const putting = store.put(content);
    content.write('first half, ');
    const temporary = () => filesIn(root).filter((file) => file.startsWith('tmp'));
    const halfWritten = () =>
      temporary().length === 1 && fs.readFileSync(path.join(root, temporary()[0]!), 'utf8') === 'first half, ';
    await until(halfWritten);
    assert.equal(filesIn(root).length, 3, 'and only there');
    content.end('second half');
    const stored = await putting;
    assert.deepEqual(
      filesIn(root).filter((file) => file.startsWith('tmp')),
      [],
    );
    assert.equal((await read(await store.open(stored.key))).toString(), 'first half, second half');
  });

  it('keeps nothing when the content fails part way', async () => {
    const before = filesIn(root);
    const content = new PassThrough();
    const putting = store.put(content);
    content.write('a beginning');
    setImmediate(() => content.destroy(new Error('connection lost')));
    await assert.rejects(putting, /connection lost/);
    assert.deepEqual(filesIn(root), before);
  });

  it('refuses keys it could not have made, so no path can escape the directory', async () => {
    for (const key of [
      '../../etc/passwd',
      '..',
      '/etc/passwd',
      'ab/../../x',
      'ABCDEF0123456789ABCDEF0123456789',
      '',
      'a'.repeat(33),
    ]) {
      await assert.rejects(store.open(key), InvalidFileKey, key);
      await assert.rejects(store.remove(key), InvalidFileKey, key);
    }
  });

  it('says a missing file is missing, and removing it twice is fine', async () => {
    const stored = await store.put(Buffer.from('to remove'));
    await store.remove(stored.key);
    await store.remove(stored.key);
    await assert.rejects(store.open(stored.key), StoredFileMissing);
    await assert.rejects(store.open('0'.repeat(32)), StoredFileMissing);
  });

  it('sweeps temporary files a crash left behind, and only old ones', async () => {
    const temporary = path.join(root, 'tmp');
    fs.writeFileSync(path.join(temporary, 'old.part'), 'left by a crash');
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    fs.utimesSync(path.join(temporary, 'old.part'), anHourAgo, anHourAgo);
    fs.writeFileSync(path.join(temporary, 'new.part'), 'being written now');
    assert.equal(await store.sweepTemporary(10 * 60 * 1000), 1);
    assert.deepEqual(fs.readdirSync(temporary), ['new.part']);
  });
});
