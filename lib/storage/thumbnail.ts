// Server-side thumbnails for the sample grids, made once with sharp and kept in the object store
// by content hash and size (thumbs/<size>/ab/<sha256>.webp; the source is immutable, so they
// never go stale).
import sharp from "sharp";
import { AppError } from "../core/errors";
import { getImageOrThrow } from "./get-image-or-throw";
import { THUMB_SIZES, thumbKey } from "./content-store";
import { objectStore } from "./get-object-store";
import { ObjectMissingError, storeUnavailable } from "./object-store";
import { ObjectStoreUnavailableError } from "./s3-object-store";

export { THUMB_SIZES, thumbKey };

export async function thumbnail(sha256: string, size: number): Promise<{ data: Buffer; key: string }> {
  if (!(THUMB_SIZES as readonly number[]).includes(size))
    throw new AppError("validation_failed", `thumbnail size must be one of ${THUMB_SIZES.join(", ")}`);
  const img = getImageOrThrow(sha256);
  const key = thumbKey(sha256, size);
  const store = objectStore();
  try {
    const cached = await store.read(key).catch((e: unknown) => {
      if (e instanceof ObjectMissingError) return undefined;
      throw e;
    });
    if (cached) return { data: cached, key };
    const source = await store.read(img.key).catch((e: unknown) => {
      throw e instanceof ObjectMissingError
        ? new AppError("not_found", `the stored file of image ${sha256} is missing`)
        : e;
    });
    const data = await sharp(source, { pages: 1 })
      .resize(size, size, { fit: "inside", withoutEnlargement: false })
      .webp({ quality: 80 })
      .toBuffer();
    await store.putBytes(key, data, "image/webp");
    return { data, key };
  } catch (e) {
    if (e instanceof ObjectStoreUnavailableError) throw storeUnavailable(e);
    throw e;
  }
}
