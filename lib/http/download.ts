// A download answer for the export routes: CSV (lib/core/csv.ts) or JSON, with a file name.
/** A download answer: CSV or JSON with a file name (characters outside [A-Za-z0-9._-] become _). */
export function downloadResponse(
  format: "csv" | "json",
  baseName: string,
  csv: () => string,
  json: () => unknown,
): Response {
  const name = baseName.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv")
    return new Response(csv(), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
      },
    });
  return Response.json(json(), { headers: { "Content-Disposition": `attachment; filename="${name}.json"` } });
}
