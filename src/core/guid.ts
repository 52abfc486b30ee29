// .NET Guid.Parse accepts the "D", "N", "B" and "P" forms in any letter case
// and always writes "D" in lower case.
const GUID_FORMS = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^\(([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\)$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
];

export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** The canonical lower-case "D" form, or undefined when .NET would not parse it. */
export function parseGuid(value: string): string | undefined {
  const text = value.trim();
  for (const form of GUID_FORMS) {
    const m = form.exec(text);
    if (m) return m.slice(1).join('-').toLowerCase();
  }
  return undefined;
}

export function isGuid(value: string): boolean {
  return parseGuid(value) !== undefined;
}
