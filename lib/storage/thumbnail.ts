// Server-side thumbnails for the sample grids, made once with sharp and cached on disk by
// content hash and size (the source is immutable, so the cache never goes stale).
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { AppError } from "../core/errors";
import { getImageOrThrow } from "./get-image-or-throw";
import { THUMB_SIZES, thumbnailPathFor } from "./content-store";

export async function thumbnail(sha256: string, size: number): Promise<{ data: Buffer; path: string }> {
  if (!(THUMB_SIZES as readonly number[]).includes(size))
    throw new AppError("validation_failed", `thumbnail size must be one of ${THUMB_SIZES.join(", ")}`);
  const img = getImageOrThrow(sha256);
  const file = thumbnailPathFor(sha256, size);
  const cached = await fs.readFile(file).catch(() => undefined);
  if (cached) return { data: cached, path: file };
  const data = await sharp(img.path, { pages: 1 })
    .resize(size, size, { fit: "inside", withoutEnlargement: false })
    .webp({ quality: 80 })
    .toBuffer();
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Write-then-rename so a concurrent reader never sees half a file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
  return { data, path: file };
}
