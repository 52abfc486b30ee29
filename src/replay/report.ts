// The replay report: readable text for people, one JSON document for tools,
// JUnit XML for CI.
import { createXml as create } from '../core/xml-builder.js';
import type { ScenarioResult } from './run.js';

export interface Totals {
  scenarios: number;
  passed: number;
  failed: number;
  skipped: number;
  notRun: number;
  steps: number;
  failedSteps: number;
}

export function totals(results: readonly ScenarioResult[]): Totals {
  const count = (test: (r: ScenarioResult) => boolean) => results.filter(test).length;
  const failed = count((r) => !r.ok);
  const skipped = count((r) => r.skipped !== undefined);
  const notRun = count((r) => r.notRun !== undefined);
  return {
    scenarios: results.length,
    passed: results.length - failed - skipped - notRun,
    failed,
    skipped,
    notRun,
    steps: results.reduce((n, r) => n + r.steps.length, 0),
    failedSteps: results.reduce((n, r) => n + r.steps.filter((s) => !s.ok).length, 0),
  };
}

const ms = (durationMs: number) => `${Math.round(durationMs)} ms`;

/** One scenario's lines: its mark, name, file and time, then each failing step and what differed. */
export function scenarioReport(r: ScenarioResult): string {
  if (r.skipped) return `- ${r.name}: skipped, ${r.skipped}\n`;
  if (r.notRun) return `- ${r.name}: ${r.notRun}\n`;
  const lines = [`${r.ok ? '✓' : '✗'} ${r.name} (${r.file}, ${ms(r.durationMs)})`];
  for (const error of r.errors) lines.push(`    ${error}`);
  r.steps.forEach((step, i) => {
    if (step.ok) return;
    lines.push(`    step ${i + 1} "${step.name}":`);
    for (const failure of step.failures) lines.push(`      ${failure}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The last line: how many scenarios passed, failed, were skipped (and did not run, after --bail). */
export function summaryLine(results: readonly ScenarioResult[]): string {
  const t = totals(results);
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.notRun ? `, ${t.notRun} not run` : ''}\n`;
}

/** Every scenario's lines, a blank line, the summary line. */
export function textReport(results: readonly ScenarioResult[]): string {
  return `${results.map(scenarioReport).join('')}\n${summaryLine(results)}`;
}

/** --reporter json: every scenario, step and difference, and the totals, in one document. */
export function jsonReport(results: readonly ScenarioResult[], target: { url: string; stub: boolean }): string {
  const status = (r: ScenarioResult) => (r.skipped ? 'skipped' : r.notRun ? 'not run' : r.ok ? 'passed' : 'failed');
  const document = {
    target: target.url,
    stub: target.stub,
    ok: results.every((r) => r.ok),
    totals: totals(results),
    scenarios: results.map((r) => ({
      name: r.name,
      file: r.file,
      status: status(r),
      ...(r.skipped ? { reason: r.skipped } : r.notRun ? { reason: r.notRun } : {}),
      durationMs: Math.round(r.durationMs * 1000) / 1000,
      errors: r.errors,
      steps: r.steps.map((s) => ({
        name: s.name,
        ok: s.ok,
        ...(s.status === undefined ? {} : { status: s.status }),
        durationMs: Math.round(s.durationMs * 1000) / 1000,
        failures: s.failures,
        differences: s.differences,
      })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function junitReport(results: readonly ScenarioResult[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'taskstub replay',
    tests: results.reduce((n, r) => n + Math.max(r.steps.length, 1), 0),
    failures: results.filter((r) => !r.ok).length,
  });
  for (const r of results) {
    const skipped = r.skipped ?? r.notRun;
    const suite = root.ele('testsuite', {
      name: r.name,
      file: r.file,
      tests: Math.max(r.steps.length, 1),
      failures: r.steps.filter((s) => !s.ok).length + (r.errors.length ? 1 : 0),
      skipped: skipped ? 1 : 0,
      time: (r.durationMs / 1000).toFixed(3),
    });
    if (skipped) suite.ele('testcase', { name: r.name, classname: r.name }).ele('skipped', { message: skipped });
    if (r.errors.length) suite.ele('testcase', { name: 'load', classname: r.name }).ele('failure', { message: r.errors[0] }).txt(r.errors.join('\n'));
    for (const step of r.steps) {
      const testcase = suite.ele('testcase', { name: step.name, classname: r.name, time: (step.durationMs / 1000).toFixed(3) });
      if (!step.ok) testcase.ele('failure', { message: step.failures[0] ?? 'failed' }).txt(step.failures.join('\n'));
    }
  }
  return root.end({ prettyPrint: true });
}
