// Prompt-set files: JSONL ({"id"?, "prompt", "category"?} per line) or CSV with a header row
// id?,prompt,category?. The first bad row refuses the file, naming its line.
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import { AppError } from "../core/errors";
import { MAX_PROMPT_CHARS, detectManifestFormat } from "../manifest/parse-manifest";

export const promptInputSchema = z
  .object({
    id: z.union([z.string().trim().min(1).max(200), z.number().int().transform(String)]).optional(),
    prompt: z
      .string()
      .trim()
      .min(1, "prompt is empty")
      .max(MAX_PROMPT_CHARS, `prompt longer than ${MAX_PROMPT_CHARS} characters`),
    category: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type PromptInput = z.input<typeof promptInputSchema>;
export type ParsedPrompt = z.output<typeof promptInputSchema>;

export const MAX_PROMPTS_PER_SET = 100_000;

function rowError(line: number, message: string): AppError {
  return new AppError("validation_failed", `prompt file line ${line}: ${message}`, { line });
}

function checkRow(raw: unknown, line: number): ParsedPrompt {
  const r = promptInputSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw rowError(line, `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`);
}

export function parsePromptFile(bytes: Uint8Array, fileName: string): ParsedPrompt[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new AppError("validation_failed", "prompt file is not valid UTF-8");
  }
  const rows: ParsedPrompt[] = [];
  if (detectManifestFormat(fileName, text) === "jsonl") {
    text.split(/\r?\n/).forEach((l, i) => {
      if (l.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw rowError(i + 1, "is not valid JSON");
      }
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw rowError(i + 1, "must be a JSON object");
      rows.push(checkRow(value, i + 1));
    });
  } else {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parseCsv(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        info: true,
        max_record_size: 64_000,
      });
    } catch (e) {
      throw new AppError("validation_failed", `prompt file is not valid CSV (${(e as Error).message})`);
    }
    for (const { record, info } of records) {
      rows.push(checkRow(Object.fromEntries(Object.entries(record).filter(([, v]) => v !== "")), info.lines));
    }
  }
  if (rows.length === 0) throw new AppError("validation_failed", "prompt file has no rows");
  if (rows.length > MAX_PROMPTS_PER_SET)
    throw new AppError("validation_failed", `prompt file has more than ${MAX_PROMPTS_PER_SET} rows`);
  return rows;
}
