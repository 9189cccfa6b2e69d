// Deleting content nobody uses any more, in two steps that tolerate a crash in between:
// 1. inside the caller's transaction, `dropUnusedImageRows` deletes the images rows (and their
//    cached embeddings) that no sample and no reference set image references any more and returns them;
// 2. after the commit, `removeOrphanFiles` deletes their files, each only if no images row has
//    reappeared (an upload of the same content may have committed in between), under the write
//    lock so that no upload can commit a reference to a file while it is being deleted.
// A crash between 1 and 2 leaves files without rows, which the start-up clean-up removes.
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { embeddings, images, referenceImages, samples } from "../../db/schema";
import { isBusyError } from "../core/sqlite-busy";
import { asImageFormat } from "./get-image-or-throw";
import { removeFilesWithoutImageRow } from "./remove-files-without-image-row";

export type OrphanImage = { sha256: string; format: string };

// Bound parameters per statement, under SQLite's limit.
const CHUNK = 500;

/** Of `candidates`, deletes the image rows no sample and no reference set uses (with their embeddings); returns those. */
export function dropUnusedImageRows(tx: DbOrTx, candidates: readonly OrphanImage[]): OrphanImage[] {
  const orphans: OrphanImage[] = [];
  for (let k = 0; k < candidates.length; k += CHUNK) {
    const slice = candidates.slice(k, k + CHUNK);
    const shas = slice.map((c) => c.sha256);
    const used = new Set(
      [
        ...tx
          .selectDistinct({ sha256: samples.imageSha256 })
          .from(samples)
          .where(inArray(samples.imageSha256, shas))
          .all(),
        ...tx
          .selectDistinct({ sha256: referenceImages.imageSha256 })
          .from(referenceImages)
          .where(inArray(referenceImages.imageSha256, shas))
          .all(),
      ].map((r) => r.sha256),
    );
    const unused = slice.filter((c) => !used.has(c.sha256));
    if (unused.length === 0) continue;
    const drop = unused.map((u) => u.sha256);
    // The cache entries of deleted content could never be looked up again.
    tx.delete(embeddings)
      .where(and(eq(embeddings.kind, "image"), inArray(embeddings.key, drop)))
      .run();
    tx.delete(images).where(inArray(images.sha256, drop)).run();
    orphans.push(...unused);
  }
  return orphans;
}

/**
 * Deletes the files of `orphans` that no images row references again; returns how many. When
 * another process holds the write lock, the files stay (0) for the periodic clean-up to remove:
 * the delete itself has committed and must not be answered as failed.
 */
export function removeOrphanFiles(orphans: readonly OrphanImage[]): number {
  try {
    return removeFilesWithoutImageRow(orphans.map((o) => ({ sha256: o.sha256, format: asImageFormat(o.format) })));
  } catch (e) {
    if (isBusyError(e)) return 0;
    throw e;
  }
}
