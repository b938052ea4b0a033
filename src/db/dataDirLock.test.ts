import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLock, lockPath, readLiveOwner, type LockOwner } from './dataDirLock.ts';

const directories: string[] = [];
function aDataDir(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-lock-test-'));
  directories.push(directory);
  return directory;
}

function readLock(dataDir: string): LockOwner {
  return JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as LockOwner;
}

function writeLock(dataDir: string, owner: LockOwner): void {
  fs.writeFileSync(lockPath(dataDir), JSON.stringify(owner), { mode: 0o600 });
}

/** Another Node.js process that stays alive until killed, standing in for a second OneDoor. */
async function anotherNodeProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child as ChildProcess & { pid: number };
}

/** The pid of a Node.js process that has already exited. */
function aDeadPid(): number {
  const finished = spawnSync(process.execPath, ['-e', '']);
  assert.ok(finished.pid);
  return finished.pid;
}

describe('the DATA_DIR lock', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  });

  it('is taken when nobody holds it, and records who holds it', () => {
    const dataDir = aDataDir();
    const lock = DataDirLock.acquire(dataDir, 'server');
    assert.ok(lock instanceof DataDirLock);
    const owner = readLock(dataDir);
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.role, 'server');
    assert.equal(fs.statSync(lockPath(dataDir)).mode & 0o777, 0o600);
    lock.release();
  });

  it('is refused while another live process holds it, naming that process', async () => {
    const dataDir = aDataDir();
    const other = await anotherNodeProcess();
    children.push(other);
    const theirs: LockOwner = { pid: other.pid, role: 'server', startedAt: '2026-11-23T09:00:00.000Z', databasePort: 54321 };
    writeLock(dataDir, theirs);

    const attempt = DataDirLock.acquire(dataDir, 'cli');
    assert.ok(!(attempt instanceof DataDirLock), 'the lock should be refused');
    assert.deepEqual(attempt.heldBy, theirs);
    assert.deepEqual(readLock(dataDir), theirs, 'the holder’s lock file is left alone');
    assert.deepEqual(readLiveOwner(dataDir), theirs);
  });

  it('takes over a lock left by a process that has died', () => {
    const dataDir = aDataDir();
    writeLock(dataDir, { pid: aDeadPid(), role: 'server', startedAt: '2026-11-23T09:00:00.000Z' });
    assert.equal(readLiveOwner(dataDir), undefined);

    const lock = DataDirLock.acquire(dataDir, 'server');
    assert.ok(lock instanceof DataDirLock);
    assert.equal(readLock(dataDir).pid, process.pid);
    lock.release();
  });

  it('removes its own lock file on release', () => {
    const dataDir = aDataDir();
    const lock = DataDirLock.acquire(dataDir, 'server');
    assert.ok(lock instanceof DataDirLock);
    lock.release();
    assert.equal(fs.existsSync(lockPath(dataDir)), false);
    // Once released, the DATA_DIR can be locked again.
    const again = DataDirLock.acquire(dataDir, 'cli');
    assert.ok(again instanceof DataDirLock);
    again.release();
  });

  it('leaves alone a lock that another process has taken since', async () => {
    const dataDir = aDataDir();
    const lock = DataDirLock.acquire(dataDir, 'server');
    assert.ok(lock instanceof DataDirLock);
    const other = await anotherNodeProcess();
    children.push(other);
    const theirs: LockOwner = { pid: other.pid, role: 'server', startedAt: '2026-11-23T09:00:00.000Z' };
    writeLock(dataDir, theirs);

    lock.release();
    assert.deepEqual(readLock(dataDir), theirs);
  });

  it('records the database port and the server address for others to find', () => {
    const dataDir = aDataDir();
    const lock = DataDirLock.acquire(dataDir, 'server');
    assert.ok(lock instanceof DataDirLock);
    lock.update({ databasePort: 54329 });
    lock.update({ url: 'http://127.0.0.1:3000' });
    const owner = readLock(dataDir);
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.role, 'server');
    assert.equal(owner.databasePort, 54329);
    assert.equal(owner.url, 'http://127.0.0.1:3000');
    assert.deepEqual(fs.readdirSync(dataDir), ['onedoor.lock'], 'no temporary file is left behind');
    lock.release();
  });
});
