// Deletes one reference set version (owner or admin): its image rows, its stored comparisons with
// runs (reference_scores) and the images no run or other reference set uses any more. The rows go
// in one transaction with the audit record; the files are removed after the commit (a crash in
// between leaves files without rows, which the start-up clean-up of leftovers removes).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { images, referenceImages, referenceScores, referenceSets } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../errors";
import { dropUnusedImageRows, removeOrphanFiles } from "../storage/orphan-images";

export type DeleteReferenceSetResult = { id: string; name: string; version: number; deleted: true; images: number; comparisons: number; imagesDeleted: number; filesDeleted: number };

/**
 * Deletes the reference set with id `id` (one version; the previous version of its name, if any,
 * becomes the latest that runs are compared with). Throws AppError 404 for an unknown id, 403
 * unless `actor` created it or is an admin.
 */
export function deleteReferenceSet(id: string, actor: Actor): DeleteReferenceSetResult {
  const { set, imageCount, comparisons, orphans } = getDb().transaction(
    (tx) => {
      const set = tx.select().from(referenceSets).where(eq(referenceSets.id, id)).get();
      if (!set) throw new AppError("not_found", `no reference set with id "${id}"`);
      authorizeMutation(actor, { kind: "reference set", id, ownerKeyId: set.apiKeyId }, "delete");
      const used = tx
        .selectDistinct({ sha256: images.sha256, format: images.format })
        .from(referenceImages)
        .innerJoin(images, eq(images.sha256, referenceImages.imageSha256))
        .where(eq(referenceImages.referenceSetId, id))
        .all();
      const imageCount = tx.delete(referenceImages).where(eq(referenceImages.referenceSetId, id)).run().changes;
      const comparisons = tx.delete(referenceScores).where(eq(referenceScores.referenceSetId, id)).run().changes;
      tx.delete(referenceSets).where(eq(referenceSets.id, id)).run();
      const orphans = dropUnusedImageRows(tx, used);
      recordAudit(tx, actor, {
        action: "reference_set.delete",
        targetType: "reference_set",
        targetId: id,
        details: { name: set.name, version: set.version, images: imageCount, comparisons, imagesDeleted: orphans.length },
      });
      return { set, imageCount, comparisons, orphans };
    },
    { behavior: "immediate" },
  );
  return { id, name: set.name, version: set.version, deleted: true, images: imageCount, comparisons, imagesDeleted: orphans.length, filesDeleted: removeOrphanFiles(orphans) };
}
