// Every string format the schemas use, for the one ajv instance.
import type { FormatCheck } from './core/schemas.js';
import { isDotNetDateTime } from './core/dotnet-datetime.js';
import { isGuid } from './core/guid.js';
import { isApiDateTime } from './apis/onlyoffice/api-datetime.js';

export const FORMATS: Record<string, FormatCheck> = {
  guid: isGuid,
  'dotnet-datetime': isDotNetDateTime,
  'api-datetime': isApiDateTime,
};
