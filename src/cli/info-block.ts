/**
 * Renders JSON-like data as the indented, YAML-like block of Ganeti's
 * `info` commands: `key: value` lines, nested objects indented by two
 * spaces, list items as `- item`.
 */
export function renderInfoEntries(entries: Readonly<Record<string, unknown>>, indent: string): string[] {
  const lines: string[] = [];
  renderObject(entries, indent, lines);
  return lines;
}

function renderObject(entries: Readonly<Record<string, unknown>>, indent: string, lines: string[]): void {
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    if (!isNested(value) || isEmpty(value)) lines.push(`${indent}${key}: ${scalarText(value)}`);
    else {
      lines.push(`${indent}${key}:`);
      renderNested(value, `${indent}  `, lines);
    }
  }
}

function renderNested(value: object, indent: string, lines: string[]): void {
  if (!Array.isArray(value)) {
    renderObject(value as Record<string, unknown>, indent, lines);
    return;
  }
  for (const item of value) {
    if (!isNested(item) || isEmpty(item)) {
      lines.push(`${indent}- ${scalarText(item)}`);
      continue;
    }
    // The item's first line follows the dash; the rest align under it.
    const itemLines: string[] = [];
    renderNested(item, "", itemLines);
    itemLines.forEach((line, index) => lines.push(`${indent}${index === 0 ? "- " : "  "}${line}`));
  }
}

function isNested(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object") return "{}";
  if (typeof value !== "string") return String(value);
  // Quoted when a bare rendering would hide something: emptiness, edge blanks, line breaks.
  return value === "" || value.trim() !== value || /[\n\r\t]/.test(value) ? JSON.stringify(value) : value;
}
