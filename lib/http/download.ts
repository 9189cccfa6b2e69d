// Download answers for the export routes: CSV (lib/core/csv.ts) or JSON, with a file name,
// streamed: rows come from the database a batch at a time as the client reads, so neither
// the body nor its rows are ever held whole (a 19,900-sample CSV was 201.6 MB built per request),
// and the thread that answers requests is free between batches.
import { csvLine } from "../core/csv";

const fileName = (baseName: string) => baseName.replace(/[^A-Za-z0-9._-]/g, "_");

export type StreamedRows<T> = {
  columns: readonly (keyof T & string)[];
  /** The next batch of rows, [] when there are no more (called once per chunk the client reads). */
  next: () => T[];
  /** JSON: the object around the rows, which go under `key` (last, after the head's fields). */
  head: Record<string, unknown>;
  key: string;
};

/**
 * Streams `rows` as CSV (a header, then a line per row) or as JSON (`{...head, [key]: [rows]}`),
 * one batch per pull: the body is made as fast as the client reads it, never whole.
 */
export function streamDownload<T extends Record<string, unknown>>(
  format: "csv" | "json",
  baseName: string,
  rows: StreamedRows<T>,
): Response {
  const encoder = new TextEncoder();
  let started = false;
  let first = true;
  const opening = () => {
    if (format === "csv") return `${rows.columns.join(",")}\n`;
    const head = JSON.stringify(rows.head);
    return `${head.slice(0, -1)}${head === "{}" ? "" : ","}${JSON.stringify(rows.key)}:[`;
  };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = started ? "" : opening();
      started = true;
      const batch = rows.next();
      if (batch.length === 0) {
        if (format === "json") text += "]}";
        if (text) controller.enqueue(encoder.encode(text));
        controller.close();
        return;
      }
      for (const r of batch) {
        if (format === "csv") text += csvLine(r, rows.columns);
        else {
          text += (first ? "" : ",") + JSON.stringify(r);
          first = false;
        }
      }
      controller.enqueue(encoder.encode(text));
    },
  });
  const name = fileName(baseName);
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json",
      "Content-Disposition": `attachment; filename="${name}.${format}"`,
    },
  });
}
