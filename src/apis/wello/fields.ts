// The task's fields and their .NET types, read once from schemas/wello/task.schema.json.
import { DotNetDateTime } from '../../core/dotnet-datetime.js';
import type { JsonSchema } from '../../core/schemas.js';

export type FieldKind = 'guid' | 'date' | 'integer' | 'boolean' | 'string';

export interface Field {
  name: string;
  kind: FieldKind;
  /** Lower-case name: Json.NET matches property names in any letter case when no exact match exists. */
  lower: string;
}

export type TaskValue = string | number | boolean | null | DotNetDateTime;
/** A task as the server holds it: every field present, null where empty. */
export type Task = Record<string, TaskValue>;

function kindOf(schema: JsonSchema): FieldKind {
  if (schema.format === 'guid') return 'guid';
  if (schema.format === 'dotnet-datetime') return 'date';
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('integer')) return 'integer';
  if (types.includes('boolean')) return 'boolean';
  return 'string';
}

export function taskFields(schema: JsonSchema): Field[] {
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, kind: kindOf(property), lower: name.toLowerCase() }));
}

export function isDate(value: TaskValue): value is DotNetDateTime {
  return value instanceof DotNetDateTime;
}

/** A task with every field null, in the contract's order: copied per task, so every task has the same shape. */
export function emptyTask(fields: readonly Field[]): Readonly<Task> {
  // Made by JSON.parse: 23 keys added one by one would leave a slow dictionary-mode
  // object (and every copy of it slow to fill and to stringify); a parsed one is fast.
  return JSON.parse(JSON.stringify(Object.fromEntries(fields.map(({ name }) => [name, null])))) as Task;
}
