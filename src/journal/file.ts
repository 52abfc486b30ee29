// --journal-file: every entry appended as one JSON line. Lines are batched
// and written once per turn of the event loop (no I/O on the request path);
// close() writes what is queued and waits for it, so none is lost at shutdown.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface JournalFile {
  append(line: () => string): void;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function openJournalFile(path: string): JournalFile {
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
    console.error(`taskstub: journal file ${path}: ${error.message}`);
  });
  let queue: (() => string)[] = [];
  let scheduled = false;

  function write(): boolean {
    scheduled = false;
    if (queue.length === 0 || failure) return true;
    const batch = queue;
    queue = [];
    return stream.write(batch.map((line) => `${line()}\n`).join(''));
  }

  async function flush(): Promise<void> {
    if (!write()) await once(stream, 'drain');
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
      stream.end();
      if (!stream.closed && !failure) await once(stream, 'close');
    },
  };
}
