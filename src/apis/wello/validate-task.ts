// DataAnnotations as ASP.NET reports them, computed by ajv from the task
// schema: [Required] and [MaxLength] (docs/fidelity.md, Wello: Validation errors).
import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '../../core/schemas.js';
import type { ModelState } from './errors.js';
import { isDate, type TaskValue } from './fields.js';

const required = (field: string) => `The ${field} field is required.`;
const maxLength = (field: string, limit: number) => `The field ${field} must be a string or array type with a maximum length of '${limit}'.`;

export function modelErrors(validate: ValidateFunction, schema: JsonSchema, values: Map<string, TaskValue>): ModelState {
  const data: Record<string, unknown> = {};
  // Dates are already checked by conversion; give ajv a valid stand-in.
  for (const [name, value] of values) data[name] = isDate(value) ? '2000-01-01' : value;
  const requiredFields = new Set(schema.required ?? []);
  const state: ModelState = [];
  const seen = new Set<string>();
  if (validate(data)) return state;
  for (const error of validate.errors ?? []) {
    const field = error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : error.instancePath.slice(1);
    let message: string | undefined;
    // [Required] also refuses null, "" and white space.
    if (requiredFields.has(field) && ['required', 'type', 'minLength', 'pattern'].includes(error.keyword)) message = required(field);
    else if (error.keyword === 'maxLength') message = maxLength(field, (error.params as { limit: number }).limit);
    if (!message || seen.has(`${field}\n${message}`)) continue;
    seen.add(`${field}\n${message}`);
    state.push([`task.${field}`, message]);
  }
  return state;
}
