// What replay prints while it runs. On a terminal: one line, rewritten in
// place, naming the scenario running; when stdout is a file or a pipe (CI
// logs): each scenario's report as soon as it finishes, so a long run shows
// its progress and a killed run keeps what it did. Either way the output ends
// as textReport(results) does.
import { scenarioReport, summaryLine, textReport } from './report.js';
import type { ProgressEvent, ScenarioResult } from './run.js';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  onProgress(event: ProgressEvent): void;
  /** Writes the end of the report: the whole of it on a terminal, what was not written yet otherwise. */
  finish(results: readonly ScenarioResult[]): void;
  /** Removes the progress line, for output that is not the text report (--reporter json). */
  clear(): void;
}

const CLEAR_LINE = '\r\x1b[K';

export function createProgress(out: ProgressOutput): Progress {
  const printed = new Set<ScenarioResult>();
  let failed = 0;
  if (out.isTTY) {
    return {
      onProgress(event) {
        if (event.kind === 'done') {
          if (!event.result.ok) failed += 1;
          return;
        }
        const line = `[${event.index + 1}/${event.total}] running "${event.name}"${failed ? ` (${failed} failed)` : ''}`;
        // Cut to the terminal's width: a wrapped line cannot be rewritten with \r.
        const width = out.columns ?? 80;
        out.write(CLEAR_LINE + (line.length >= width ? `${line.slice(0, width - 2)}…` : line));
      },
      finish(results) {
        out.write(CLEAR_LINE + textReport(results));
      },
      clear() {
        out.write(CLEAR_LINE);
      },
    };
  }
  return {
    onProgress(event) {
      if (event.kind !== 'done') return;
      printed.add(event.result);
      out.write(scenarioReport(event.result));
    },
    finish(results) {
      // Scenarios that did not run (--bail) were never started: their lines come now.
      for (const result of results) if (!printed.has(result)) out.write(scenarioReport(result));
      out.write(`\n${summaryLine(results)}`);
    },
    clear() {},
  };
}
