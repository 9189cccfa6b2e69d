// Matches manifest rows to staged files and checks every image: magic bytes, header (type,
// pixel count, refused before decoding) and a full decode that catches truncation. All problems
// are gathered into one 422 so a user fixes a batch in one round trip.
import fs from "node:fs/promises";
import sharp from "sharp";
import { AppError } from "../core/errors";
import { pilLikeInput } from "../clip/decode-rgb";
import { ImageInputError, inspectImage } from "../clip/preprocess";
import type { ManifestRow } from "../manifest/parse-manifest";
import { normaliseEntryName } from "./entry-name";
import { REPORT_CAP, type FileProblem, type ImageFormat, type StagedItem, type StoredFile } from "./types";

// sharp runs one decode per libuv thread (preprocess sets sharp.concurrency(1)); four keeps the default pool busy.
const VERIFY_CONCURRENCY = 4;

/** A staged file, or the reason it was refused while streaming (too big, duplicate, bad base64). */
export type StagedFileOrProblem = StoredFile | Omit<FileProblem, "file">;

export type ImagesRefusedDetails = {
  missingFiles?: string[];
  /** Missing files whose name nearly matches a file that did arrive (case, folder or extension). */
  nearMisses?: { file: string; nearest: string }[];
  /** All missing files, when more than REPORT_CAP are listed. */
  missingCount?: number;
  files?: FileProblem[];
  /** Checking stopped at REPORT_CAP problems; more files may be bad. */
  truncated?: true;
};

/**
 * Returns one StagedItem per row, in row order. Throws 422 `validation_failed` with
 * ImagesRefusedDetails when any listed file is missing or refused, and 413 `payload_too_large`
 * (details { limit: "maxTotalPixels", max, pixels }) when the rows' images together have more
 * than `opts.maxTotalPixels` pixels by their headers — checked before any image is decoded.
 */
export async function verifyImages(
  rows: ManifestRow[],
  files: ReadonlyMap<string, StagedFileOrProblem>,
  maxImagePixels: number,
  opts: {
    maxTotalPixels?: number;
    /** Files that arrived but no row lists: near-miss candidates. */ unlisted?: readonly string[];
  } = {},
): Promise<StagedItem[]> {
  const problems: FileProblem[] = [];
  const missing: string[] = [];
  const work: { index: number; row: ManifestRow; stored: StoredFile }[] = [];
  rows.forEach((row, index) => {
    const key = normaliseEntryName(row.file);
    if (!key.ok) {
      problems.push({ file: row.file, code: "unsafe_name", message: `file name refused: ${key.reason}` });
      return;
    }
    const f = files.get(key.name);
    if (f === undefined) missing.push(row.file);
    else if ("code" in f) problems.push({ file: row.file, ...f });
    else work.push({ index, row, stored: f });
  });

  if (opts.maxTotalPixels !== undefined && Number.isFinite(opts.maxTotalPixels))
    await checkTotalPixels(work, opts.maxTotalPixels);

  const items: (StagedItem | undefined)[] = new Array(rows.length);
  let truncated = false;
  await forEachLimited(work, VERIFY_CONCURRENCY, async ({ index, row, stored }) => {
    if (problems.length >= REPORT_CAP) {
      truncated = true;
      return;
    }
    const checked = await checkImage(stored.path, maxImagePixels);
    if ("code" in checked) problems.push({ file: row.file, ...checked });
    else items[index] = toItem(row, stored, checked);
  });

  if (problems.length === 0 && missing.length === 0) return items as StagedItem[];
  throw imagesRefused(problems, missing, truncated, nearMisses(missing, [...files.keys(), ...(opts.unlisted ?? [])]));
}

/** Sums header sizes (unreadable headers count 0: the full check names them) and refuses past the budget. */
async function checkTotalPixels(work: { stored: StoredFile }[], max: number): Promise<void> {
  let total = 0;
  for (const { stored } of work) {
    const meta = await sharp(stored.path, { limitInputPixels: false })
      .metadata()
      .catch(() => undefined);
    total += (meta?.width ?? 0) * (meta?.pageHeight ?? meta?.height ?? 0);
    if (total > max) {
      throw new AppError(
        "payload_too_large",
        `the images together have more than ${max} pixels, the limit for one synchronous request (T2I_METRICS_MAX_PIXELS); send fewer or smaller images, or upload them as a run`,
        { limit: "maxTotalPixels", max },
      );
    }
  }
}

type ImageCheck = { format: ImageFormat; width: number; height: number } | Omit<FileProblem, "file">;

/** Reads one staged image (≤ maxImageBytes, so whole into memory is fine) and checks it. */
export async function checkImage(filePath: string, maxImagePixels: number): Promise<ImageCheck> {
  const buf = await fs.readFile(filePath);
  const format = sniffFormat(buf);
  // libvips reads many more formats (SVG, TIFF, HEIF, PDF…); refusing them here keeps those parsers off user input.
  if (!format) return { code: "image_unsupported_type", message: "not a PNG, JPEG, WebP or GIF file" };
  let info: { width: number; height: number };
  try {
    info = await inspectImage(buf, maxImagePixels);
  } catch (e) {
    if (e instanceof ImageInputError) return { code: e.code, message: e.message };
    throw e;
  }
  try {
    // Same decoder options as preprocessImage, so what passes here also scores later. Every pixel
    // is decoded (that is what catches truncation) but only one band is kept: ≤ maxImagePixels bytes.
    // (.stats() decodes too, but costs 3–10× more.)
    await sharp(buf, pilLikeInput(maxImagePixels)).extractChannel(0).raw().toBuffer();
  } catch (e) {
    const m = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 200);
    return { code: "image_unreadable", message: `could not decode the ${format} image (${m}); truncated or corrupt?` };
  }
  return { format, width: info.width, height: info.height };
}

export function sniffFormat(b: Uint8Array): ImageFormat | undefined {
  const at = (i: number, bytes: number[]) => bytes.every((v, k) => b[i + k] === v);
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (at(0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (at(0, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return "gif";
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return "webp";
  return undefined;
}

function toItem(
  row: ManifestRow,
  stored: StoredFile,
  img: { format: ImageFormat; width: number; height: number },
): StagedItem {
  return {
    fileName: row.file,
    ...(row.prompt !== undefined && { prompt: row.prompt }),
    ...(row.prompt_id !== undefined && { promptId: row.prompt_id }),
    ...(row.seed !== undefined && { seed: row.seed }),
    ...(row.group !== undefined && { group: row.group }),
    path: stored.path,
    sha256: stored.sha256,
    bytes: stored.bytes,
    format: img.format,
    width: img.width,
    height: img.height,
  };
}

/**
 * For each missing name, a received name that differs only in letter case, folder or extension
 * (names compared after NFC, as everywhere; a folder may be written with / or \, so a part named
 * with a full Windows path such as C:\Users\me\a.png still nearly matches a.png). First
 * REPORT_CAP only.
 */
export function nearMisses(missing: string[], received: string[]): { file: string; nearest: string }[] {
  const base = (n: string) => n.slice(Math.max(n.lastIndexOf("/"), n.lastIndexOf("\\")) + 1);
  const stem = (n: string) => base(n).replace(/\.[^.]*$/, "");
  const keys: ((n: string) => string)[] = [
    (n) => n.normalize("NFC").toLowerCase(),
    (n) => base(n.normalize("NFC")).toLowerCase(),
    (n) => stem(n.normalize("NFC")).toLowerCase(),
  ];
  const index = keys.map((k) => {
    const m = new Map<string, string>();
    for (const r of received) if (!m.has(k(r))) m.set(k(r), r);
    return m;
  });
  const out: { file: string; nearest: string }[] = [];
  for (const file of missing.slice(0, REPORT_CAP)) {
    const nearest = keys.map((k, i) => index[i]!.get(k(file))).find((x) => x !== undefined);
    if (nearest !== undefined) out.push({ file, nearest });
  }
  return out;
}

function imagesRefused(
  problems: FileProblem[],
  missing: string[],
  truncated: boolean,
  near: { file: string; nearest: string }[] = [],
): AppError {
  const parts: string[] = [];
  if (missing.length > 0) {
    const hint = near.find((n) => missing.slice(0, 3).includes(n.file));
    const shown = missing.slice(0, 3).join(", ");
    // A full path as a part's filename (an old browser, a script) is refused as a name, not used.
    const fullPath = hint && /^([A-Za-z]:)?[\\/]/.test(hint.nearest);
    const said = !hint
      ? ""
      : fullPath
        ? `; "${hint.file}" nearly matches the part named "${hint.nearest}", a full path, which was not used: name each image part by its file name only`
        : `; "${hint.file}" nearly matches "${hint.nearest}", which arrived`;
    parts.push(
      `${missing.length} listed file${missing.length === 1 ? " is" : "s are"} missing (${shown}${missing.length > 3 ? ", …" : ""})${said}`,
    );
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    const count = `${truncated ? "at least " : ""}${problems.length}`;
    parts.push(
      `${count} file${problems.length === 1 ? " was" : "s were"} refused (${first.file}: ${first.message}${problems.length > 1 ? "; …" : ""})`,
    );
  }
  const details: ImagesRefusedDetails = {
    ...(missing.length > 0 && { missingFiles: missing.slice(0, REPORT_CAP) }),
    ...(missing.length > REPORT_CAP && { missingCount: missing.length }),
    ...(near.length > 0 && { nearMisses: near }),
    ...(problems.length > 0 && { files: problems.slice(0, REPORT_CAP) }),
    ...(truncated && { truncated: true as const }),
  };
  return new AppError("validation_failed", parts.join("; "), details);
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
