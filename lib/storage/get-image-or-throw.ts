// The stored file of one image, for serving it: its row, object key and content type.
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { images, type ImageRow } from "../../db/schema";
import { AppError } from "../core/errors";
import { CONTENT_TYPE, IMAGE_FORMATS, imageKey, type ImageFormat } from "./content-store";

export type StoredImage = ImageRow & { format: ImageFormat; key: string; contentType: string };

export function getImageOrThrow(sha256: string): StoredImage {
  const row = /^[0-9a-f]{64}$/.test(sha256)
    ? getDb().select().from(images).where(eq(images.sha256, sha256)).get()
    : undefined;
  if (!row) throw new AppError("not_found", `no image with sha256 ${sha256}`);
  const format = asImageFormat(row.format);
  return { ...row, format, key: imageKey(row.sha256, format), contentType: CONTENT_TYPE[format] };
}

export function asImageFormat(format: string): ImageFormat {
  if (!(IMAGE_FORMATS as readonly string[]).includes(format))
    throw new Error(`stored image has unknown format ${JSON.stringify(format)}`);
  return format as ImageFormat;
}
