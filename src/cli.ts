#!/usr/bin/env node
// The command line: the only module that reads argv and env and listens.
import type { Server } from 'node:http';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createApp, DEFAULT_BODY_LIMIT } from './app.js';
import { createStub, DEFAULT_JOURNAL_LIMIT, type Stub } from './stub.js';

interface ServeArgs {
  port: number;
  host: string;
  seed: number | undefined;
  clock: string | undefined;
  fixtures: string | undefined;
  auth: 'required' | 'off';
  'body-limit': string;
  'journal-limit': number;
  'journal-file': string | undefined;
}

/** Stop accepting, let requests in flight finish, flush the journal file, then exit 0 (DESIGN, CLI). */
function closeOnSignals(server: Server, stub: Stub): void {
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close(() => {
      stub.close().then(
        () => process.exit(0),
        (error: Error) => {
          process.stderr.write(`taskstub: ${error.message}\n`);
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

function serve(args: ServeArgs): void {
  const stub = createStub({
    seed: args.seed,
    clock: args.clock,
    fixtures: args.fixtures,
    auth: args.auth,
    journalLimit: args['journal-limit'],
    journalFile: args['journal-file'],
  });
  const app = createApp({ bodyLimit: args['body-limit'] }, stub);
  const server = app.listen(args.port, args.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : args.port;
    const host = args.host.includes(':') ? `[${args.host}]` : args.host;
    process.stdout.write(`taskstub listening on http://${host}:${port}\n`);
  });
  server.on('error', (error) => {
    process.stderr.write(`taskstub: ${error.message}\n`);
    process.exit(1);
  });
  closeOnSignals(server, stub);
}

await yargs(hideBin(process.argv))
  .scriptName('taskstub')
  .command<ServeArgs>(
    ['serve', '$0'],
    'Serve the ONLYOFFICE and Wello stubs',
    (y) =>
      y
        .option('port', { type: 'number', default: Number(process.env.PORT ?? 4010), describe: 'Port (0 picks a free one); env PORT' })
        .option('host', { type: 'string', default: process.env.HOST ?? '127.0.0.1', describe: 'Address to bind; env HOST' })
        .option('seed', { type: 'number', describe: 'Seed for generated values: same seed, clock and calls give the same bytes' })
        .option('clock', { type: 'string', describe: 'Freeze the clock at this ISO 8601 time' })
        .option('fixtures', { type: 'string', describe: 'Directory of fixture files (default: the shipped fixtures/)' })
        .option('auth', { choices: ['required', 'off'] as const, default: 'required' as const, describe: 'Require a credential of the API\'s own schemes' })
        .option('body-limit', { type: 'string', default: DEFAULT_BODY_LIMIT, describe: 'Largest request body, e.g. 1mb' })
        .option('journal-limit', { type: 'number', default: DEFAULT_JOURNAL_LIMIT, describe: 'How many calls the journal keeps (the newest)' })
        .option('journal-file', { type: 'string', describe: 'Append every call to this JSON Lines file' }),
    (args) => {
      try {
        serve(args);
      } catch (error) {
        process.stderr.write(`taskstub: ${(error as Error).message}\n`);
        process.exit(1);
      }
    },
  )
  .strict()
  .help()
  .parseAsync();
