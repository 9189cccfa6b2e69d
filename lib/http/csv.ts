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

/** `columns` fixes the order (and the header when there are no rows); default: the first row's keys. */
export function toCsv<T extends Record<string, unknown>>(rows: T[], columns?: (keyof T)[]): string {
  const cols = (columns ?? (rows[0] ? (Object.keys(rows[0]) as (keyof T)[]) : [])) as string[];
  return [cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
}

/** A download answer: CSV or JSON with a file name (characters outside [A-Za-z0-9._-] become _). */
export function downloadResponse(format: "csv" | "json", baseName: string, csv: () => string, json: () => unknown): Response {
  const name = baseName.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv") return new Response(csv(), { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"` } });
  return Response.json(json(), { headers: { "Content-Disposition": `attachment; filename="${name}.json"` } });
}
