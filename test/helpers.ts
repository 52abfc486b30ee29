import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createApp, type AppOptions } from '../src/app.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SEEDS = join(ROOT, '..', 'shared', 'seeds');

/** A frozen clock and a seed: every test's answers are reproducible. */
export const FIXED: AppOptions = { seed: 7, clock: '2026-11-24T10:00:00.1234567Z' };

export function agent(options: AppOptions = {}) {
  return request(createApp({ ...FIXED, ...options }));
}

/** Any non-empty credential of the real forms passes (API-NOTES API 1, Authentication). */
export const TOKEN = { Authorization: 'some-token' };

/** The seed's sample request body, as the seed document prints it. */
export const SEED_SAMPLE = {
  title: 'some text',
  description: 'some text',
  deadline: '2008-04-10T06-30-00.000Z',
  responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB',
  categoryId: 1234,
  contactId: 1234,
  entityType: 'some text',
  entityId: 1234,
  isNotify: true,
  alertValue: 1234,
};

/** A minimal valid create. */
export const VALID = { title: 'Call the client', deadline: '2026-12-01T09:00:00.000Z', categoryId: 1 };

/** A copy of the shipped fixtures in a temp dir, with onlyoffice.json changed by `edit`. */
export function fixturesWith(edit: (onlyoffice: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-fixtures-'));
  cpSync(join(ROOT, 'fixtures'), dir, { recursive: true });
  const file = join(dir, 'onlyoffice.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(data);
  writeFileSync(file, JSON.stringify(data));
  return dir;
}

/** The text of a seed document. */
export function seedText(file: string): string {
  return readFileSync(join(SEEDS, file), 'utf8');
}

/** The Wello seed's JSON sample request, verbatim. */
export function welloSeedJson(): string {
  const text = seedText('wello-servicedesk-create-task.txt');
  const start = text.indexOf('{', text.indexOf('Sample:'));
  return text.slice(start, text.indexOf('\n}', start) + 2);
}

/** The Wello seed's XML sample request, verbatim. */
export function welloSeedXml(): string {
  const text = seedText('wello-servicedesk-create-task.txt');
  const start = text.indexOf('<task');
  return text.slice(start, text.indexOf('</task>', start) + '</task>'.length);
}

/** Basic `login:password@domain`, the seed's example credential (API-NOTES API 2, Authentication). */
export const WELLO_AUTH = { Authorization: `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}` };
