// The small synchronous metrics endpoint's JSON body: images inline as base64 or data URLs.
// The parsed JSON is already in memory, so the images are decoded one at a time and staged on
// disk like any upload: callers get the same StagedUpload either way.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../core/errors";
import { MAX_PROMPT_CHARS, type ManifestRow } from "../manifest/parse-manifest";
import { normaliseEntryName } from "./entry-name";
import type { IngestOptions } from "./ingest-multipart";
import { resolveLimits } from "./limits";
import { createStagingDir, removeStagingDir } from "./staging";
import type { StagedUpload } from "./types";
import { tooLarge } from "./upload-errors";
import { verifyImages, type StagedFileOrProblem } from "./verify-images";

export const jsonImageItemSchema = z
  .object({
    /** Names the item in errors and in StagedItem.fileName; defaults to "items[<index>]". */
    file: z.string().trim().min(1).max(1024).optional(),
    // "" is the empty prompt, scored like any other (as in a JSONL or CSV manifest).
    prompt: z.string().max(MAX_PROMPT_CHARS, `prompt longer than ${MAX_PROMPT_CHARS} characters`),
    group: z.string().trim().min(1).max(1000).optional(),
    seed: z.number().int().optional(),
    /** Plain base64 (standard or URL-safe alphabet) or a data:image/…;base64, URL. */
    image: z.string().min(1),
  })
  .strict();

/** Other top-level keys (e.g. which metrics to compute) are the caller's and pass through. */
export const jsonImagesSchema = z.object({ items: z.array(jsonImageItemSchema).min(1, "items is empty") });
export type JsonImages = z.infer<typeof jsonImagesSchema>;

/**
 * Validates and stages `{ items: [{ file?, prompt, group?, seed?, image }] }`.
 * Errors: 422 validation_failed on a bad shape (details { issues: [{ path, message }] }) or bad
 * images (same details as ingestMultipart); 413 payload_too_large when there are more than
 * maxFiles items or an image decodes to over maxImageBytes, or all of them to over maxUploadBytes
 * (details { limit, max, file? }). The route must cap the raw JSON body size before parsing it.
 */
export async function ingestJsonImages(json: unknown, opts: IngestOptions = {}): Promise<StagedUpload> {
  const limits = resolveLimits(opts.limits);
  const rawItems = (json as { items?: unknown } | null)?.items;
  // Counted before zod so a huge array is refused cheaply.
  if (Array.isArray(rawItems) && rawItems.length > limits.maxFiles) {
    throw tooLarge(`${rawItems.length} images`, "maxFiles", limits.maxFiles, { count: rawItems.length });
  }
  const parsed = jsonImagesSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError(
      "validation_failed",
      `invalid body: ${issues[0]!.path ? `${issues[0]!.path}: ` : ""}${issues[0]!.message}`,
      {
        issues,
      },
    );
  }

  const items = parsed.data.items.map((item, i) => ({
    ...item,
    name: item.file ?? `items[${i}]`,
    payload: base64Payload(item.image),
  }));
  let total = 0;
  for (const item of items) {
    if (item.payload === undefined) continue;
    const size = decodedSize(item.payload);
    if (size > limits.maxImageBytes)
      throw tooLarge(`image "${item.name}"`, "maxImageBytes", limits.maxImageBytes, { file: item.name });
    total += size;
    if (total > limits.maxUploadBytes) throw tooLarge("the images together", "maxUploadBytes", limits.maxUploadBytes);
  }

  const stagingDir = await createStagingDir(opts.stagingRoot);
  try {
    const rows: ManifestRow[] = [];
    const files = new Map<string, StagedFileOrProblem>();
    for (const [i, item] of items.entries()) {
      rows.push({ file: item.name, prompt: item.prompt, group: item.group, seed: item.seed });
      const key = normaliseEntryName(item.name);
      if (!key.ok) continue; // verifyImages reports it
      if (files.has(key.name)) {
        files.set(key.name, { code: "duplicate_file", message: "more than one item has this file name" });
      } else if (item.payload === undefined) {
        files.set(key.name, { code: "invalid_base64", message: "image is not base64 or a base64 data URL" });
      } else {
        const data = Buffer.from(item.payload, "base64");
        const dest = path.join(stagingDir, String(i + 1).padStart(6, "0"));
        await fs.writeFile(dest, data, { flag: "wx" });
        files.set(key.name, {
          path: dest,
          bytes: data.length,
          sha256: createHash("sha256").update(data).digest("hex"),
        });
      }
    }
    const staged = await verifyImages(rows, files, limits.maxImagePixels, { maxTotalPixels: limits.maxTotalPixels });
    return { fields: {}, items: staged, ignoredFiles: [], stagingDir, cleanup: () => removeStagingDir(stagingDir) };
  } catch (e) {
    await removeStagingDir(stagingDir);
    throw e;
  }
}

/** The base64 text of a plain string or data URL, whitespace removed; undefined when it is not base64. */
function base64Payload(image: string): string | undefined {
  let s = image;
  const dataUrl = /^data:([^,]*),/i.exec(s);
  if (dataUrl) {
    if (!/;base64$/i.test(dataUrl[1]!)) return undefined;
    s = s.slice(dataUrl[0].length);
  }
  s = s.replace(/\s+/g, "");
  // Buffer.from(…, "base64") silently skips junk, so the alphabet is checked first.
  if (s.length === 0 || s.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  return s;
}

function decodedSize(b64: string): number {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - pad;
}
