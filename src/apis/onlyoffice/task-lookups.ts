// What the task list's filters and sorts look up besides the Portal (portal.ts): a contact's company and persons
// (TaskDao.WhereConditional, entityType=contact), a contact's display name (sortBy=contact) and a user's last and
// first names (sortBy=contactManager), from the fixtures, indexed once.
import { parseGuid } from '../../core/guid.js';
import type { OnlyofficeFixtures } from '../../generated/fixtures/onlyoffice.js';

export interface TaskLookups {
  isCompany(contactId: number): boolean;
  /** The persons whose companyId is this contact (GetRelativeToEntity(company, Person)). */
  personsOf(companyId: number): readonly number[];
  /** crm_contact.display_name, or undefined when no such contact (the LEFT JOIN's NULL). */
  contactName(contactId: number): string | undefined;
  /**
   * core_user's lastname and firstname, or undefined when no such user (the LEFT JOIN's NULL). The fixtures have
   * only a display name: its last word is the last name, the rest the first name [assumption].
   */
  userNames(userId: string): { firstName: string; lastName: string } | undefined;
}

export function createTaskLookups(fixtures: OnlyofficeFixtures): TaskLookups {
  const contacts = new Map((fixtures.contacts ?? []).map((c) => [c.id, c]));
  const persons = new Map<number, number[]>();
  for (const c of fixtures.contacts ?? []) if (c.companyId !== undefined) persons.set(c.companyId, [...(persons.get(c.companyId) ?? []), c.id]);
  const names = new Map(
    fixtures.users.map((u) => {
      const words = u.displayName.trim().split(/\s+/);
      const split = words.length > 1 ? { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1)! } : { firstName: '', lastName: words[0] ?? '' };
      return [parseGuid(u.id) ?? u.id, split];
    }),
  );
  return {
    isCompany: (id) => contacts.get(id)?.isCompany === true,
    personsOf: (id) => persons.get(id) ?? [],
    contactName: (id) => contacts.get(id)?.displayName,
    userNames: (id) => names.get(parseGuid(id) ?? id),
  };
}
