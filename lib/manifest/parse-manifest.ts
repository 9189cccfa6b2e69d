// Sample manifests: JSONL (one object per line) or CSV with a header row.
// Every row is validated; the first bad row refuses the whole manifest with its line number.
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";

export const MAX_PROMPT_CHARS = 10_000;

export const manifestRowSchema = z
  .object({
    file: z.string().trim().min(1, "file is empty").max(1024, "file name longer than 1024 characters"),
    prompt: z.string().max(MAX_PROMPT_CHARS, `prompt longer than ${MAX_PROMPT_CHARS} characters`).optional(),
    prompt_id: z.string().trim().min(1).max(200).optional(),
    group: z.string().trim().min(1).max(1000).optional(),
    seed: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]).optional(),
  })
  .strict();
export type ManifestRow = z.infer<typeof manifestRowSchema>;

/** The columns (CSV) or fields (JSONL) a manifest may have, as the error messages list them. */
export const MANIFEST_COLUMNS_TEXT = "file, prompt or prompt_id, seed (optional), group (optional)";
const KNOWN_COLUMNS = new Set(Object.keys(manifestRowSchema.shape));

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `manifest line ${line}: ${message}`);
    this.name = "ManifestError";
  }
}

export type ManifestFormat = "jsonl" | "csv";

export function detectManifestFormat(fileName: string, text: string): ManifestFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) return "jsonl";
  return text.trimStart().startsWith("{") ? "jsonl" : "csv";
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Find the line of the first bad byte so the user can fix it.
    let line = 1;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) line++;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, i + 1), { stream: true });
      } catch {
        throw new ManifestError("is not valid UTF-8", line);
      }
    }
    throw new ManifestError("is not valid UTF-8");
  }
}

function checkRow(raw: unknown, line: number, requirePrompt: boolean): ManifestRow {
  const r = manifestRowSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues.find((i) => i.code === "unrecognized_keys") ?? r.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      throw new ManifestError(`unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; a row has the fields ${MANIFEST_COLUMNS_TEXT}`, line);
    }
    if (issue.path[0] === "file" && (raw as Record<string, unknown>).file === undefined) throw new ManifestError(`needs a file (the image's name in the upload); a row has the fields ${MANIFEST_COLUMNS_TEXT}`, line);
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
    throw new ManifestError(`${where}${issue.message}`, line);
  }
  if (requirePrompt && r.data.prompt === undefined && r.data.prompt_id === undefined) {
    throw new ManifestError("needs a prompt (or prompt_id)", line);
  }
  return r.data;
}

/** Refuses a CSV header naming unknown columns or lacking `file`, at line 1, listing the expected columns. */
function checkCsvHeader(text: string): void {
  let header: string[];
  try {
    header = ((parseCsv(text, { to_line: 1, trim: true }) as string[][])[0] ?? []).map((c) => c.trim());
  } catch {
    return; // the full parse below reports broken CSV with its line
  }
  const unknown = header.filter((c) => !KNOWN_COLUMNS.has(c));
  const expected = `expected the columns ${MANIFEST_COLUMNS_TEXT}, e.g. "file,prompt,seed"`;
  if (unknown.length > 0) throw new ManifestError(`the header names unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}; ${expected}`, 1);
  if (!header.includes("file")) throw new ManifestError(`the header has no "file" column; ${expected}`, 1);
}

export type ParseManifestOptions = { requirePrompt?: boolean; maxRows?: number };

/** Parses and validates a manifest. Throws ManifestError naming the offending line. */
export function parseManifest(bytes: Uint8Array, fileName: string, opts: ParseManifestOptions = {}): ManifestRow[] {
  const requirePrompt = opts.requirePrompt ?? true;
  const maxRows = opts.maxRows ?? 1_000_000;
  const text = decodeUtf8(bytes).replace(/^\uFEFF/, "");
  const rows: ManifestRow[] = [];
  if (detectManifestFormat(fileName, text) === "jsonl") {
    const lines = text.split(/\r?\n/);
    lines.forEach((l, i) => {
      if (l.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw new ManifestError("is not valid JSON", i + 1);
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ManifestError("must be a JSON object", i + 1);
      rows.push(checkRow(value, i + 1, requirePrompt));
      if (rows.length > maxRows) throw new ManifestError(`has more than ${maxRows} rows`, i + 1);
    });
  } else {
    checkCsvHeader(text);
    let records: { record: Record<string, string>; line: number }[];
    try {
      records = (
        parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true, max_record_size: 64_000 }) as {
          record: Record<string, string>;
          info: { lines: number };
        }[]
      ).map((r) => ({ record: r.record, line: r.info.lines }));
    } catch (e) {
      const err = e as Error & { lines?: number };
      throw new ManifestError(`is not valid CSV (${err.message.replace(/^Invalid Record Length: /, "")})`, err.lines);
    }
    for (const { record, line } of records) {
      const clean = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ""));
      rows.push(checkRow(clean, line, requirePrompt));
      if (rows.length > maxRows) throw new ManifestError(`has more than ${maxRows} rows`, line);
    }
  }
  if (rows.length === 0) throw new ManifestError("has no rows");
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    if (seen.has(r.file)) throw new ManifestError(`file "${r.file}" is listed twice (first at row ${seen.get(r.file)! + 1})`);
    seen.set(r.file, i);
  });
  return rows;
}
