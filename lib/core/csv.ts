// CSV for downloads (RFC 4180): a header row of the column names, then one row per record;
// cells holding a comma, quote or line break are quoted, null/undefined are empty. Text cells
// that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return:
// a submitter's prompt such as =HYPERLINK(…)) get a leading apostrophe, as OWASP's "CSV
// injection" advice says; numbers are written as they are.

/** One cell; exported for tests. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record as a CSV line (with its line break), cells in `columns` order: for streamed exports. */
export function csvLine(record: Record<string, unknown>, columns: readonly string[]): string {
  return columns.map((c) => csvCell(record[c])).join(",") + "\n";
}

/** `columns` fixes the order (and the header when there are no rows); default: the first row's keys. */
export function toCsv<T extends Record<string, unknown>>(rows: T[], columns?: (keyof T)[]): string {
  const cols = (columns ?? (rows[0] ? (Object.keys(rows[0]) as (keyof T)[]) : [])) as string[];
  return `${cols.join(",")}\n${rows.map((r) => csvLine(r, cols)).join("")}`;
}
