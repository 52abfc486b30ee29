// --journal-file: every entry appended as one JSON line. Lines are batched
// and written once per turn of the event loop (no I/O on the request path);
// close() writes what is queued and waits for it, so none is lost at shutdown.
// The file is opened when the stub is made, so that a path that cannot be
// written stops the start instead of losing every call; a write that fails
// later (a full disk) is counted, shown by status() and said once.
import { createWriteStream, openSync, type WriteStream } from 'node:fs';

export interface JournalFileStatus {
  path: string;
  /** False from the first failed write on. */
  ok: boolean;
  /** Why the first failed write failed. */
  error?: string;
  /** Calls that are not in the file: in the failed write, and every one after it (never written, so that the file has no hole). */
  lostCalls: number;
}

export interface JournalFile {
  append(line: () => string): void;
  /** Writes everything queued so far and waits until the file has it (or the write failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
  status(): JournalFileStatus;
}

/** What open(2) and write(2) errors mean for this file, in words; other codes are given as they are. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return (code && REASONS[code]) ?? message;
}

/** One entry's line; one that cannot be made is written as a note in its place, so that it never stops the batch (or the process). */
function lineOf(line: () => string): string {
  try {
    return line();
  } catch (error) {
    return JSON.stringify({ error: `this entry could not be written: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** Opens `path` for appending (creating it), or throws one line saying why it cannot be. */
export function openJournalFile(path: string): JournalFile {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new Error(`--journal-file ${path}: cannot open: ${reason(error)}`);
  }
  const stream: WriteStream = createWriteStream(path, { fd });
  let failure: string | undefined;
  let lost = 0;
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = reason(error);
    // Once, not once per batch: every later call is counted instead (status(), /__admin/health, the exit code).
    console.error(`taskstub: --journal-file ${path}: a write failed (${failure}); calls from now on are not written to it (see /__admin/health)`);
  };
  stream.on('error', fail);
  let queue: (() => string)[] = [];
  let scheduled = false;
  /** Writes handed to the stream and not yet done, and who waits for them all to be. */
  let writing = 0;
  let waiting: (() => void)[] = [];

  function write(): void {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    if (failure !== undefined) {
      lost += batch.length;
      return;
    }
    writing++;
    // A failed write calls back with its error, and so does every write the failed stream still held.
    stream.write(batch.map((line) => `${lineOf(line)}\n`).join(''), (error) => {
      writing--;
      if (error) {
        lost += batch.length;
        fail(error);
      }
      if (writing === 0) {
        const done = waiting;
        waiting = [];
        for (const resolve of done) resolve();
      }
    });
  }

  async function flush(): Promise<void> {
    write();
    if (writing > 0) await new Promise<void>((resolve) => waiting.push(resolve));
  }

  return {
    append(line) {
      queue.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(write);
      }
    },
    flush,
    async close() {
      await flush();
      if (stream.destroyed) return;
      await new Promise<void>((resolve) => stream.end(resolve));
    },
    status: () => ({ path, ok: failure === undefined, ...(failure === undefined ? {} : { error: failure }), lostCalls: lost }),
  };
}
