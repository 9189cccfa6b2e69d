// Deletes one reference set version (owner or admin): its image rows, its stored comparisons with
// runs (reference_scores) and the images no run or other reference set uses any more. The rows go
// in one transaction with the audit record; the files are removed after the commit (a crash in
// between leaves files without rows, which the start-up clean-up of leftovers removes).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { referenceSets } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../core/errors";
import { removeOrphanFiles } from "../storage/orphan-images";
import { deleteReferenceSetRows } from "./delete-reference-set-rows";

export type DeleteReferenceSetResult = {
  id: string;
  name: string;
  version: number;
  deleted: true;
  images: number;
  comparisons: number;
  imagesDeleted: number;
  filesDeleted: number;
};

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
      const { images: imageCount, comparisons, orphans } = deleteReferenceSetRows(tx, [id]);
      recordAudit(tx, actor, {
        action: "reference_set.delete",
        targetType: "reference_set",
        targetId: id,
        details: {
          name: set.name,
          version: set.version,
          images: imageCount,
          comparisons,
          imagesDeleted: orphans.length,
        },
      });
      return { set, imageCount, comparisons, orphans };
    },
    { behavior: "immediate" },
  );
  return {
    id,
    name: set.name,
    version: set.version,
    deleted: true,
    images: imageCount,
    comparisons,
    imagesDeleted: orphans.length,
    filesDeleted: removeOrphanFiles(orphans),
  };
}
