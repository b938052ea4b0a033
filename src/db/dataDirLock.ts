// One OneDoor process owns a DATA_DIR's embedded PostgreSQL at a time. The owner writes
// DATA_DIR/onedoor.lock; a second server refuses, and a CLI command uses the owner's database.
// A lock left by a process that died (kill -9, power loss) is stale and taken over.
import fs from 'node:fs';
import path from 'node:path';

export type LockRole = 'server' | 'cli';

export interface LockOwner {
  pid: number;
  role: LockRole;
  startedAt: string;
  /** The embedded PostgreSQL port, once it is listening. */
  databasePort?: number;
  /** Where the server answers, once it is listening. */
  url?: string;
}

const LOCK_FILE = 'onedoor.lock';

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

/** The live owner of the DATA_DIR, or undefined when there is none (or it died). */
export function readLiveOwner(dataDir: string): LockOwner | undefined {
  const owner = readOwner(dataDir);
  return owner && owner.pid !== process.pid && isNodeProcessAlive(owner.pid) ? owner : undefined;
}

export class DataDirLock {
  private constructor(
    private readonly file: string,
    private owner: LockOwner,
  ) {}

  /**
   * Takes the lock, or returns the live owner that holds it. A stale lock (its process is
   * gone) is removed and taken.
   */
  static acquire(dataDir: string, role: LockRole): DataDirLock | { heldBy: LockOwner } {
    const file = lockPath(dataDir);
    const owner: LockOwner = { pid: process.pid, role, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o600);
        fs.writeSync(fd, JSON.stringify(owner));
        fs.closeSync(fd);
        return new DataDirLock(file, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const live = readLiveOwner(dataDir);
      if (live) return { heldBy: live };
      fs.rmSync(file, { force: true });
    }
    const live = readLiveOwner(dataDir);
    if (live) return { heldBy: live };
    throw new Error(`could not take ${file}`);
  }

  /** Records facts others need (the database port, the server URL) in the lock file. */
  update(facts: Partial<Pick<LockOwner, 'databasePort' | 'url'>>): void {
    this.owner = { ...this.owner, ...facts };
    const temporary = `${this.file}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify(this.owner), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }

  release(): void {
    // Only remove the lock if it is still ours.
    if (readOwner(path.dirname(this.file))?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function readOwner(dataDir: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as LockOwner;
    return Number.isInteger(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a running Node.js process. After a reboot a dead owner's pid may belong to
 * something else, so on Linux the command line is checked too.
 */
export function isNodeProcessAlive(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  const commandLine = readCommandLine(pid);
  return commandLine === undefined || /node|onedoor|tsx/.test(commandLine);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line on Linux, or undefined where /proc is not available. */
export function readCommandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
