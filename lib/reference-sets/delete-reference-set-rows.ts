// The row half of deleting reference sets, inside the caller's transaction: their image rows,
// their stored comparisons with runs (reference_scores), the sets, and the images rows no run or
// other reference set uses any more (with their cached embeddings). Returns those images so the
// caller can delete their files after the commit (lib/storage/orphan-images.ts says why files go last).
import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { images, referenceImages, referenceScores, referenceSets } from "../../db/schema";
import { dropUnusedImageRows, type OrphanImage } from "../storage/orphan-images";

export type DeletedReferenceSetRows = { sets: number; images: number; comparisons: number; orphans: OrphanImage[] };

export function deleteReferenceSetRows(tx: DbOrTx, ids: readonly string[]): DeletedReferenceSetRows {
  if (ids.length === 0) return { sets: 0, images: 0, comparisons: 0, orphans: [] };
  const list = [...ids];
  const used = tx
    .selectDistinct({ sha256: images.sha256, format: images.format })
    .from(referenceImages)
    .innerJoin(images, eq(images.sha256, referenceImages.imageSha256))
    .where(inArray(referenceImages.referenceSetId, list))
    .all();
  const imageCount = tx.delete(referenceImages).where(inArray(referenceImages.referenceSetId, list)).run().changes;
  const comparisons = tx.delete(referenceScores).where(inArray(referenceScores.referenceSetId, list)).run().changes;
  const sets = tx.delete(referenceSets).where(inArray(referenceSets.id, list)).run().changes;
  return { sets, images: imageCount, comparisons, orphans: dropUnusedImageRows(tx, used) };
}
