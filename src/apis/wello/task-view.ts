// TaskView: a stored task as GET api/TaskView and api/TaskView(<id>) show it (docs/fidelity.md, Wello: Read-back
// routes). The help page's task_view model (Help/Api/GET-api-TaskView-GetTaskById) is the task's fields plus
// denormalised names; the stub gives the task's fields in the contract's order, then company_name and
// contact_fullname [doc: that page] and task_type_name, task_status_name, task_priority_name [client: a Wello
// ServiceDesk React client reads them], looked up in the fixtures. The ServiceDesk database holds no nulls ("all
// fields have a default value (boolean=false, numeric=0, datetime=1980-1-1)", HelpGuide LinkErp v5 [doc]), and the
// vendor's TaskView sample shows `""`, empty GUIDs and `1980-01-01T00:00:00.000Z`: so are empty fields written here.
import { DotNetDateTime, formatXmlDate } from '../../core/dotnet-datetime.js';
import { EMPTY_GUID, parseGuid } from '../../core/guid.js';
import { ticksFromParts } from '../../core/ticks.js';
import type { WelloFixtures } from '../../generated/fixtures/wello.js';
import { type Field, type FieldKind, isDate, type Task, type TaskValue } from './fields.js';
import { XSI } from './serialize.js';

/** The names a view adds to the task's fields, in the order written. */
export const VIEW_NAMES = ['company_name', 'contact_fullname', 'task_type_name', 'task_status_name', 'task_priority_name'] as const;

/** The entity type's name, as the help page calls the model (in $filter messages and as the XML element). */
export const VIEW_TYPE = 'task_view';

/** 1980-01-01T00:00:00Z, the database's empty date [doc]. */
export const EMPTY_DATE = new DotNetDateTime(ticksFromParts({ year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0, fractionTicks: 0 }, 0), 'utc');

const EMPTY: Record<FieldKind, TaskValue> = { guid: EMPTY_GUID, date: EMPTY_DATE, integer: 0, boolean: false, string: '' };

export type View = Readonly<Record<string, TaskValue>>;

export interface TaskViews {
  /** The view of one task: every field present, none null. */
  view(task: Task): View;
  /** What $filter and $orderby may name, and their kinds. */
  readonly properties: ReadonlyMap<string, FieldKind>;
  /** One view as JSON members (no braces), dates as the vendor's sample writes them. */
  jsonMembers(view: View): string;
  /** One view as `<task_view>` (XML root when `root`: with the xmlns:i declaration). */
  xml(view: View, root: boolean): string;
}

function byId(list: readonly { id: string; name?: string }[] | undefined): Map<string, string> {
  return new Map((list ?? []).map((x) => [parseGuid(x.id) ?? x.id, x.name ?? '']));
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeXml = (text: string) => text.replace(/[&<>]/g, (c) => XML_ESCAPES[c]!);

function text(value: TaskValue): string {
  if (value === null) return '';
  return isDate(value) ? formatXmlDate(value) : String(value);
}

export function createTaskViews(fields: readonly Field[], fixtures: WelloFixtures): TaskViews {
  const names = {
    company: byId(fixtures.companies),
    contact: byId(fixtures.contacts),
    type: byId(fixtures.taskTypes),
    status: byId(fixtures.taskStatuses),
    priority: byId(fixtures.taskPriorities),
  };
  const lookup = (map: Map<string, string>, id: TaskValue) => (typeof id === 'string' ? (map.get(id) ?? '') : '');
  const properties = new Map<string, FieldKind>([...fields.map((f): [string, FieldKind] => [f.name, f.kind]), ...VIEW_NAMES.map((n): [string, FieldKind] => [n, 'string'])]);
  const order = [...properties.keys()];
  const sorted = [...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    properties,
    view(task) {
      const view: Record<string, TaskValue> = {};
      for (const { name, kind } of fields) view[name] = task[name] ?? EMPTY[kind];
      view.company_name = lookup(names.company, task.company_id ?? null);
      view.contact_fullname = lookup(names.contact, task.contact_id ?? null);
      view.task_type_name = lookup(names.type, task.task_type_id ?? null);
      view.task_status_name = lookup(names.status, task.task_status_id ?? null);
      view.task_priority_name = lookup(names.priority, task.task_priority_id ?? null);
      return view;
    },
    jsonMembers(view) {
      return order.map((name) => {
        const value = view[name] ?? null;
        return `${JSON.stringify(name)}:${JSON.stringify(value !== null && isDate(value) ? formatXmlDate(value) : value)}`;
      }).join(',');
    },
    xml(view, root) {
      const parts = [root ? `<${VIEW_TYPE} xmlns:i="${XSI}">` : `<${VIEW_TYPE}>`];
      for (const name of sorted) parts.push(`<${name}>${escapeXml(text(view[name] ?? null))}</${name}>`);
      parts.push(`</${VIEW_TYPE}>`);
      return parts.join('');
    },
  };
}
