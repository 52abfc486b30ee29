// Lookups into the ONLYOFFICE fixtures, indexed once.
import type { OnlyofficeFixtures, User } from '../../generated/fixtures/onlyoffice.js';
import { parseGuid } from '../../core/guid.js';

export type PortalUser = User;
export type Category = OnlyofficeFixtures['categories'][number];
export type Contact = NonNullable<OnlyofficeFixtures['contacts']>[number];
export type EntityType = 'opportunity' | 'case';

export interface Portal {
  readonly host: string;
  readonly utcOffsetMinutes: number;
  readonly owner: PortalUser;
  /** The user with this id, or the real placeholder user (docs/fidelity.md, ONLYOFFICE: responsibleId is not checked). */
  userById(id: string | undefined): PortalUser;
  userByLogin(login: string): PortalUser | undefined;
  category(id: number): Category | undefined;
  /** The contact as ContactBaseWithEmailWrapper renders it, or undefined when not found (docs/fidelity.md, ONLYOFFICE: then left out). */
  contact(id: number): Record<string, unknown> | undefined;
  entityTitle(type: EntityType, id: number): string | undefined;
}

export function createPortal(fixtures: OnlyofficeFixtures): Portal {
  const byId = new Map(fixtures.users.map((u) => [parseGuid(u.id) ?? u.id, u]));
  const byLogin = new Map<string, User>();
  for (const user of fixtures.users) {
    for (const login of [user.userName, user.email]) if (login) byLogin.set(login.toLowerCase(), user);
  }
  const categories = new Map(fixtures.categories.map((c) => [c.id, c]));
  const contacts = new Map((fixtures.contacts ?? []).map((c) => [c.id, c]));
  const photo = (c: Contact, size: number) =>
    `https://${fixtures.portal.host}/Products/CRM/HttpHandlers/filehandler.ashx?action=contactphotoulr&cid=${c.id}&isc=${c.isCompany}&ps=${size}`.toLowerCase();
  const entities = {
    opportunity: new Map((fixtures.opportunities ?? []).map((e) => [e.id, e.title])),
    case: new Map((fixtures.cases ?? []).map((e) => [e.id, e.title])),
  };
  const owner = byId.get(parseGuid(fixtures.portal.ownerId) ?? '') ?? fixtures.users[0];
  return {
    host: fixtures.portal.host,
    utcOffsetMinutes: fixtures.portal.utcOffsetMinutes,
    owner,
    userById: (id) => (id && byId.get(id)) || fixtures.removedUser,
    userByLogin: (login) => byLogin.get(login.toLowerCase()),
    category: (id) => categories.get(id),
    contact(id) {
      const c = contacts.get(id);
      if (!c) return undefined;
      const shareType = c.shareType ?? 0;
      return {
        // The contact-info row's own id is not in the fixtures; the contact's id stands in for it.
        email: c.email === undefined ? undefined : { infoType: 1, category: 0, data: c.email, isPrimary: true, id: c.id },
        smallFotoUrl: photo(c, 1),
        mediumFotoUrl: photo(c, 2),
        displayName: c.displayName,
        isCompany: c.isCompany,
        isPrivate: c.isPrivate ?? false,
        isShared: shareType !== 0,
        shareType,
        currency: null,
        canEdit: true,
        canDelete: true,
        id: c.id,
      };
    },
    entityTitle: (type, id) => entities[type].get(id),
  };
}
