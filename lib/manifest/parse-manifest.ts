// Sample manifests: JSONL (one object per line) or CSV with a header row.
// Every row is validated; the first bad row refuses the whole manifest with its line number.
// Both formats read a row the same way: an empty prompt (`"prompt": ""`, or an empty cell in
// the prompt column) is the empty prompt, kept for the consumer to score or refuse per item,
// never a reason to refuse the manifest.
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import { promptIdentity } from "../core/prompt-identity";

export const MAX_PROMPT_CHARS = 10_000;

export const manifestRowSchema = z
  .object({
    file: z.string().trim().min(1, "file is empty").max(1024, "file name longer than 1024 characters"),
    prompt: z.string().max(MAX_PROMPT_CHARS, `prompt longer than ${MAX_PROMPT_CHARS} characters`).optional(),
    prompt_id: z.string().trim().min(1).max(200).optional(),
    group: z.string().trim().min(1).max(1000).optional(),
    seed: z
      .union([
        z.number().int(),
        z
          .string()
          .regex(/^-?\d+$/)
          .transform(Number),
      ])
      .optional(),
  })
  .strict();
export type ManifestRow = z.infer<typeof manifestRowSchema>;

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

/** Decodes UTF-8 in one pass; on a bad byte, names its line (one more linear scan, never a re-decode per byte). */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new ManifestError(`is not valid UTF-8 (byte ${at + 1})`, line);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** The fields a JSONL row may have, as the error messages list them. */
const ROW_FIELDS_TEXT = "file, prompt or prompt_id, seed (optional), group (optional)";

function checkRow(raw: unknown, line: number, requirePrompt: boolean): ManifestRow {
  const r = manifestRowSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues.find((i) => i.code === "unrecognized_keys") ?? r.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      throw new ManifestError(
        `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; a row has the fields ${ROW_FIELDS_TEXT}`,
        line,
      );
    }
    if (issue.path[0] === "file" && (raw as Record<string, unknown>).file === undefined)
      throw new ManifestError(
        `needs a file (the image's name in the upload); a row has the fields ${ROW_FIELDS_TEXT}`,
        line,
      );
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
    throw new ManifestError(`${where}${issue.message}`, line);
  }
  if (requirePrompt && r.data.prompt === undefined && r.data.prompt_id === undefined) {
    throw new ManifestError("needs a prompt (or prompt_id)", line);
  }
  return r.data;
}

export type ParseManifestOptions = { requirePrompt?: boolean; maxRows?: number };

/** CSV column names people use, mapped to the manifest's own (case and spaces ignored). */
export const CSV_COLUMN_ALIASES: Record<string, keyof ManifestRow> = {
  file: "file",
  filename: "file",
  file_name: "file",
  image: "file",
  path: "file",
  prompt: "prompt",
  caption: "prompt",
  text: "prompt",
  prompt_id: "prompt_id",
  group: "group",
  seed: "seed",
};
const CSV_SEPARATORS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar" };

/**
 * Parses and validates a manifest: JSONL, or CSV with a header row (comma, semicolon or tab
 * separated, as spreadsheets write it, optionally after a `sep=;` line; column aliases in
 * CSV_COLUMN_ALIASES). Rows are counted while parsing and parsing stops past `maxRows`
 * (default 1,000,000). The same image may appear under several prompts; only an exact repeat
 * of a (file, prompt) row is refused, naming both lines. Throws ManifestError naming the line.
 */
export function parseManifest(bytes: Uint8Array, fileName: string, opts: ParseManifestOptions = {}): ManifestRow[] {
  const requirePrompt = opts.requirePrompt ?? true;
  const maxRows = opts.maxRows ?? 1_000_000;
  const text = decodeUtf8(bytes).replace(/^\uFEFF/, "");
  const rows: { row: ManifestRow; line: number }[] = [];
  const add = (raw: unknown, line: number) => {
    if (rows.length >= maxRows) throw new ManifestError(`has more than ${maxRows} rows`, line);
    rows.push({ row: checkRow(raw, line, requirePrompt), line });
  };
  if (detectManifestFormat(fileName, text) === "jsonl") {
    // Line by line: a huge manifest is refused at row maxRows + 1 without splitting all of it.
    let line = 0;
    for (let pos = 0; pos <= text.length;) {
      const nl = text.indexOf("\n", pos);
      const end = nl < 0 ? text.length : nl;
      const l = text.slice(pos, end).replace(/\r$/, "");
      line++;
      pos = end + 1;
      if (l.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw new ManifestError("is not valid JSON", line);
      }
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw new ManifestError("must be a JSON object", line);
      add(value, line);
    }
  } else {
    for (const { record, line } of readCsv(text, maxRows)) {
      const clean: Record<string, string> = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ""));
      // An empty prompt cell is the empty prompt, as `"prompt": ""` is in JSONL (unless the row names a prompt_id).
      if (record.prompt === "" && clean.prompt_id === undefined) clean.prompt = "";
      add(clean, line);
    }
  }
  if (rows.length === 0) throw new ManifestError("has no rows");
  const seen = new Map<string, number>();
  for (const { row, line } of rows) {
    const key = JSON.stringify([
      row.file.normalize("NFC"),
      row.prompt === undefined ? null : promptIdentity(row.prompt),
      row.prompt_id ?? null,
    ]);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ManifestError(
        `repeats line ${first}: the same file "${row.file}" with the same prompt (a file may appear under several prompts, but each pair once)`,
        line,
      );
    }
    seen.set(key, line);
  }
  return rows.map((r) => r.row);
}

/** CSV records with the line each starts on; the header is checked before any row is read. */
function readCsv(text: string, maxRows: number): { record: Record<string, string>; line: number }[] {
  let body = text;
  let lineOffset = 0;
  let delimiter: string | undefined;
  const sepLine = /^sep=(.)\r?\n/i.exec(body);
  if (sepLine) {
    delimiter = sepLine[1]!;
    body = body.slice(sepLine[0].length);
    lineOffset = 1;
  }
  const headerEnd = body.search(/\r?\n|$/);
  const headerLine = body.slice(0, headerEnd);
  const headerAt = lineOffset + 1;
  if (delimiter === undefined) {
    // The separator is the one that splits the header: comma first, then ; tab | (Excel in many locales).
    delimiter = [",", ";", "\t", "|"].find((d) => headerLine.includes(d)) ?? ",";
  }
  const named = CSV_SEPARATORS[delimiter];
  if (!named) throw new ManifestError(`uses "${delimiter}" as its separator; use a comma, semicolon or tab`, 1);
  const found = headerLine.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, "$1"));
  const columns = found.map((h) => CSV_COLUMN_ALIASES[h.toLowerCase().replace(/[\s-]+/g, "_")]);
  const expected = "file (or filename, image) and prompt (or caption, text, prompt_id); optional group, seed";
  const unknown = found.filter((_, i) => columns[i] === undefined);
  if (
    !columns.includes("file") ||
    !(columns.includes("prompt") || columns.includes("prompt_id")) ||
    unknown.length > 0
  ) {
    const why =
      unknown.length > 0
        ? `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}`
        : "a required column is missing";
    throw new ManifestError(
      `the header must name the columns ${expected}; found ${found.map((f) => `"${f}"`).join(", ")} (separated by ${named}): ${why}`,
      headerAt,
    );
  }
  try {
    const parsed = parseCsv(body, {
      columns: () => columns as string[],
      delimiter,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: 64_000,
      // Rows are capped while parsing: one past the limit is enough to refuse.
      to: maxRows + 1,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return parsed.map((r) => ({ record: r.record, line: r.info.lines + lineOffset }));
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new ManifestError(
      `is not valid CSV (${err.message.replace(/^Invalid Record Length: /, "")})`,
      err.lines === undefined ? undefined : err.lines + lineOffset,
    );
  }
}
