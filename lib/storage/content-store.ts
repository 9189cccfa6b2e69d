// Content-addressed image store: each distinct file lives once, under
// images/ab/cd/<sha256>.<ext> in the object store (object-store.ts: the data folder by default,
// or an S3-compatible store), and is never rewritten. Files arrive from the upload staging
// folder on the receiving server's disk.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs";
import path from "node:path";
import { ImageSourceUnavailableError } from "../clip/image-source-error";
import { config } from "../core/config";
import { objectStore } from "./get-object-store";
import { LocalObjectStore } from "./local-object-store";
import { storeUnavailable } from "./object-store";
import { ObjectStoreUnavailableError } from "./s3-object-store";

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

/** The object key of an image: `images/ab/cd/<sha256>.<ext>`. */
export function imageKey(sha256: string, format: ImageFormat): string {
  if (!SHA256.test(sha256)) throw new Error(`not a lowercase hex sha256: ${JSON.stringify(sha256)}`);
  const ext = EXTENSION[format];
  if (!ext) throw new Error(`unknown image format ${JSON.stringify(format)}`);
  return `images/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.${ext}`;
}

export function imagesRoot(): string {
  return path.join(config().dataDir, "images");
}

/** The file of an image in the local data folder (the default store; tests and local tools). */
export function pathFor(sha256: string, format: ImageFormat): string {
  return path.join(config().dataDir, ...imageKey(sha256, format).split("/"));
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
  bytes: number;
  /** False when the store already had the content. */ added: boolean;
};

/** The local store, for the synchronous calls that only it can answer (inside a database transaction). */
function localStore(): LocalObjectStore {
  const store = objectStore();
  if (!(store instanceof LocalObjectStore))
    throw new Error("this call needs the local image folder, not an object store");
  return store;
}

/**
 * Hashes the staged file (checking it against `expectedSha256` when given) and stores it; in the
 * local folder a stored file's staged name goes (the folder keeps a hard link). Throws AppError unavailable
 * (503, Retry-After) when the object store cannot be reached.
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
  try {
    const store = objectStore();
    const added = await store.putFile(imageKey(sha256, opts.format), stagedPath, CONTENT_TYPE[opts.format]);
    // The local folder took a hard link: the staged name is no longer needed.
    if (added && store.kind === "local") fs.rmSync(stagedPath, { force: true });
    return { sha256, bytes, added };
  } catch (e) {
    if (e instanceof ObjectStoreUnavailableError) throw storeUnavailable(e);
    throw e;
  }
}

/** Stores an already hashed file in the local folder unless present (synchronous: inside a transaction). Local store only. */
export function placeFileSync(stagedPath: string, sha256: string, format: ImageFormat): boolean {
  const added = localStore().putFileSync(imageKey(sha256, format), stagedPath);
  if (added) fs.rmSync(stagedPath, { force: true });
  return added;
}

/** Whether the local folder has the image (synchronous). Local store only. */
export function hasFile(sha256: string, format: ImageFormat): boolean {
  return fs.existsSync(pathFor(sha256, format));
}

/**
 * The image's bytes. A store that cannot be reached is ImageSourceUnavailableError (the scoring
 * job is retried, the sample is not marked unreadable); a missing image is an ordinary error.
 */
export async function read(sha256: string, format: ImageFormat): Promise<Buffer> {
  try {
    return await objectStore().read(imageKey(sha256, format));
  } catch (e) {
    if (e instanceof ObjectStoreUnavailableError) throw new ImageSourceUnavailableError(e.message);
    throw e;
  }
}

/** Sizes of the thumbnails made on request (lib/storage/thumbnail.ts). */
export const THUMB_SIZES = [96, 160, 256] as const;

/** The object key of a thumbnail: thumbs/<size>/<first 2 hex>/<sha256>.webp. */
export function thumbKey(sha256: string, size: number): string {
  return `thumbs/${size}/${sha256.slice(0, 2)}/${sha256}.webp`;
}

/** Where the thumbnail of `sha256` at `size` is cached in the local data folder (the default store). */
export function thumbnailPathFor(sha256: string, size: number): string {
  return path.join(config().dataDir, ...thumbKey(sha256, size).split("/"));
}

/**
 * Deletes a stored file in the local folder and its cached thumbnails; only for content that no
 * database row references. Local store only.
 */
export function removeFile(sha256: string, format: ImageFormat): void {
  const store = localStore();
  store.removeSync(imageKey(sha256, format));
  for (const size of THUMB_SIZES) store.removeSync(thumbKey(sha256, size));
}
