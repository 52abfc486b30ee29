// The replay report: readable text for people, JUnit XML for CI.
import { createXml as create } from '../core/xml-builder.js';
import type { ScenarioResult } from './run.js';

export function textReport(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.skipped) {
      lines.push(`- ${r.name}: skipped, ${r.skipped}`);
      continue;
    }
    lines.push(`${r.ok ? '✓' : '✗'} ${r.name} (${r.file})`);
    for (const error of r.errors) lines.push(`    not a scenario: ${error}`);
    r.steps.forEach((step, i) => {
      if (step.ok) return;
      lines.push(`    step ${i + 1} "${step.name}":`);
      for (const failure of step.failures) lines.push(`      ${failure}`);
    });
  }
  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  lines.push('', `${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

export function junitReport(results: readonly ScenarioResult[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'taskstub replay',
    tests: results.reduce((n, r) => n + Math.max(r.steps.length, 1), 0),
    failures: results.filter((r) => !r.ok).length,
  });
  for (const r of results) {
    const suite = root.ele('testsuite', {
      name: r.name,
      file: r.file,
      tests: Math.max(r.steps.length, 1),
      failures: r.steps.filter((s) => !s.ok).length + (r.errors.length ? 1 : 0),
      skipped: r.skipped ? 1 : 0,
    });
    if (r.skipped) suite.ele('testcase', { name: r.name, classname: r.name }).ele('skipped', { message: r.skipped });
    if (r.errors.length) suite.ele('testcase', { name: 'load', classname: r.name }).ele('failure', { message: 'not a scenario' }).txt(r.errors.join('\n'));
    for (const step of r.steps) {
      const testcase = suite.ele('testcase', { name: step.name, classname: r.name, time: (step.durationMs / 1000).toFixed(3) });
      if (!step.ok) testcase.ele('failure', { message: step.failures[0] ?? 'failed' }).txt(step.failures.join('\n'));
    }
  }
  return root.end({ prettyPrint: true });
}
