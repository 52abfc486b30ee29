// Lookups into the Wello fixtures, indexed once: who calls, and the default
// and known task types, statuses and priorities.
import type { WelloFixtures } from '../../generated/fixtures/wello.js';
import { parseGuid } from '../../core/guid.js';

export type Contact = WelloFixtures['contacts'][number];
export type Status = WelloFixtures['taskStatuses'][number];

export interface Directory {
  /** The contact a Basic login names, or the first contact for any other credential. */
  contactFor(login: string | undefined): Contact;
  readonly defaultType: string;
  readonly defaultStatus: Status;
  readonly defaultPriority: string;
  hasType(id: string): boolean;
  hasPriority(id: string): boolean;
}

function normalized(ids: { id: string }[]): Set<string> {
  return new Set(ids.map((x) => parseGuid(x.id) ?? x.id));
}

export function createDirectory(fixtures: WelloFixtures): Directory {
  const byLogin = new Map(fixtures.contacts.map((c) => [c.login.toLowerCase(), c]));
  const firstDefault = <T extends { default?: boolean }>(list: T[]): T => list.find((x) => x.default) ?? list[0]!;
  const types = normalized(fixtures.taskTypes);
  const priorities = normalized(fixtures.taskPriorities);
  return {
    contactFor: (login) => (login && byLogin.get(login.toLowerCase())) || fixtures.contacts[0]!,
    defaultType: parseGuid(firstDefault(fixtures.taskTypes).id)!,
    defaultStatus: firstDefault(fixtures.taskStatuses),
    defaultPriority: parseGuid(firstDefault(fixtures.taskPriorities).id)!,
    hasType: (id) => types.has(id),
    hasPriority: (id) => priorities.has(id),
  };
}
