import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

export class DirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${directory} is in use by process ${pid} (one process per embedded database). ` +
        'Stop that process first, create tokens through the GraphQL API (createApiToken) while it runs, ' +
        'or set DATABASE_URL to use PostgreSQL, which any number of processes can share.',
    );
    this.name = 'DirectoryInUseError';
  }
}

/** A pid equal to ours in the file is a stale lock from an earlier process (containers reuse pid 1), so this set
 * is what tells a second lock taken by this very process. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on a directory through a pid file created atomically. A lock left by a process that
 * no longer exists (killed with SIGKILL, say) is taken over. Returns the function that releases it.
 */
export function lockDirectory(directory: string): () => void {
  if (heldHere.has(directory)) throw new DirectoryInUseError(directory, process.pid);
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, 'process.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(directory);
      return () => {
        if (!heldHere.delete(directory)) return;
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) throw new DirectoryInUseError(directory, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${directory}: its lock file keeps reappearing.`);
}
