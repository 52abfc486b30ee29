// taskstub's version, from its package.json (the one place it is written), for
// the exports that name their creator (HAR, OpenAPI). Read on first use: only
// admin calls need it, so the start does not.
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function taskstubVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
