// Lookups into the Wello fixtures, indexed once: who calls, and the default
// and known task types, statuses and priorities.
import type { WelloFixtures } from '../../generated/fixtures/wello.js';
import { parseGuid } from '../../core/guid.js';

/** A calling contact: its id and its first company's, as the task gets them (GUIDs in .NET's form). */
export interface Caller {
  id: string;
  companyId: string;
}

export interface Directory {
  /** The contact a Basic login names, or the first contact for any other credential. */
  contactFor(login: string | undefined): Caller;
  readonly defaultType: string;
  readonly defaultStatus: { id: string; archived: boolean };
  readonly defaultPriority: string;
  hasType(id: string): boolean;
  hasPriority(id: string): boolean;
}

function normalized(ids: { id: string }[]): Set<string> {
  return new Set(ids.map((x) => parseGuid(x.id) ?? x.id));
}

export function createDirectory(fixtures: WelloFixtures): Directory {
  const guid = (id: string) => parseGuid(id) ?? id;
  const callers = fixtures.contacts.map((c) => ({ login: c.login.toLowerCase(), caller: { id: guid(c.id), companyId: guid(c.companyIds[0]!) } }));
  const byLogin = new Map(callers.map((c) => [c.login, c.caller]));
  const firstDefault = <T extends { default?: boolean }>(list: T[]): T => list.find((x) => x.default) ?? list[0]!;
  const status = firstDefault(fixtures.taskStatuses);
  const types = normalized(fixtures.taskTypes);
  const priorities = normalized(fixtures.taskPriorities);
  return {
    contactFor: (login) => (login && byLogin.get(login.toLowerCase())) || callers[0]!.caller,
    defaultType: guid(firstDefault(fixtures.taskTypes).id),
    defaultStatus: { id: guid(status.id), archived: status.archived },
    defaultPriority: guid(firstDefault(fixtures.taskPriorities).id),
    hasType: (id) => types.has(id),
    hasPriority: (id) => priorities.has(id),
  };
}
