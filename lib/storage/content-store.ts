// Content-addressed image store: each distinct file lives once, at
// <dataDir>/images/ab/cd/<sha256>.<ext>, and is never rewritten. Files arrive from the upload
// staging folder (under dataDir, so a move is a rename on the same filesystem).
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs";
import path from "node:path";
import { config } from "../core/config";

export const IMAGE_FORMATS = ["png", "jpeg", "webp", "gif"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

const EXTENSION: Record<ImageFormat, string> = { png: "png", jpeg: "jpg", webp: "webp", gif: "gif" };
export const CONTENT_TYPE: Record<ImageFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
};

const SHA256 = /^[0-9a-f]{64}$/;

export class ContentHashMismatchError extends Error {
  constructor(
    readonly stagedPath: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${path.basename(stagedPath)} has sha256 ${actual}, not the ${expected} it was announced with`);
    this.name = "ContentHashMismatchError";
  }
}

export function imagesRoot(): string {
  return path.join(config().dataDir, "images");
}

export function pathFor(sha256: string, format: ImageFormat): string {
  if (!SHA256.test(sha256)) throw new Error(`not a lowercase hex sha256: ${JSON.stringify(sha256)}`);
  const ext = EXTENSION[format];
  if (!ext) throw new Error(`unknown image format ${JSON.stringify(format)}`);
  return path.join(imagesRoot(), sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.${ext}`);
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

export type PutResult = {
  sha256: string;
  path: string;
  bytes: number;
  /** False when the store already had the file. */ added: boolean;
};

/**
 * Hashes the staged file (checking it against `expectedSha256` when given) and moves it into
 * the store. When the store already holds the content the staged file is left where it is
 * (the staging owner removes it) and `added` is false.
 */
export async function putFile(
  stagedPath: string,
  opts: { format: ImageFormat; expectedSha256?: string },
): Promise<PutResult> {
  const sha256 = await sha256OfFile(stagedPath);
  if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
    throw new ContentHashMismatchError(stagedPath, opts.expectedSha256, sha256);
  }
  const bytes = (await fs.promises.stat(stagedPath)).size;
  const added = placeFileSync(stagedPath, sha256, opts.format);
  return { sha256, path: pathFor(sha256, opts.format), bytes, added };
}

/**
 * Moves an already hashed file into place unless the content is present. Synchronous so that
 * it can run inside a database transaction. Returns whether this call created the file.
 */
export function placeFileSync(stagedPath: string, sha256: string, format: ImageFormat): boolean {
  const target = pathFor(sha256, format);
  if (fs.existsSync(target)) return false;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // link() creates the name only if it does not exist, so two writers racing on the same
  // content cannot both believe they added it; the content appears complete or not at all.
  try {
    fs.linkSync(stagedPath, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP") throw e;
    // Staging on another filesystem (or one without hard links): copy next to the target first.
    const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    fs.copyFileSync(stagedPath, tmp);
    try {
      fs.linkSync(tmp, target);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== "EEXIST") throw e2;
      return false;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  fs.rmSync(stagedPath, { force: true });
  return true;
}

export function hasFile(sha256: string, format: ImageFormat): boolean {
  return fs.existsSync(pathFor(sha256, format));
}

export function read(sha256: string, format: ImageFormat): Promise<Buffer> {
  return fs.promises.readFile(pathFor(sha256, format));
}

/** Sizes of the thumbnails made on request (lib/storage/thumbnail.ts). */
export const THUMB_SIZES = [96, 160, 256] as const;

/** Where the thumbnail of `sha256` at `size` is cached: <dataDir>/thumbs/<size>/<first 2 hex>/<sha256>.webp. */
export function thumbnailPathFor(sha256: string, size: number): string {
  return path.join(config().dataDir, "thumbs", String(size), sha256.slice(0, 2), `${sha256}.webp`);
}

/** Deletes a stored file and its cached thumbnails; only for content that no database row references. */
export function removeFile(sha256: string, format: ImageFormat): void {
  fs.rmSync(pathFor(sha256, format), { force: true });
  for (const size of THUMB_SIZES) fs.rmSync(thumbnailPathFor(sha256, size), { force: true });
}
