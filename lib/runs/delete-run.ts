// Deletes one run (owner or admin): its rows, its scoring job and generation tasks, and its images
// once no other run uses them. The rows go in one transaction with the audit record; the files
// are removed after the commit (a crash in between leaves files the start-up clean-up removes).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { runs, variants } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeRunRemoval, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../core/errors";
import { removeOrphanFiles } from "../storage/orphan-images";
import { deleteRunRows } from "./delete-run-rows";

export type DeleteRunResult = {
  id: string;
  deleted: true;
  samples: number;
  imagesDeleted: number;
  filesDeleted: number;
};

/** Throws 404 for an unknown run, 403 unless `actor` owns it, owns its variant, or is an admin. */
export function deleteRun(id: string, actor: Actor): DeleteRunResult {
  const { rows } = getDb().transaction(
    (tx) => {
      const run = tx
        .select({
          id: runs.id,
          apiKeyId: runs.apiKeyId,
          variantId: runs.variantId,
          guidanceScale: runs.guidanceScale,
          variantOwner: variants.apiKeyId,
        })
        .from(runs)
        .innerJoin(variants, eq(variants.id, runs.variantId))
        .where(eq(runs.id, id))
        .get();
      if (!run) throw new AppError("not_found", `no run with id "${id}"`);
      authorizeRunRemoval(actor, { id, ownerKeyId: run.apiKeyId, variantOwnerKeyId: run.variantOwner }, "delete");
      const rows = deleteRunRows(tx, [id]);
      recordAudit(tx, actor, {
        action: "run.delete",
        targetType: "run",
        targetId: id,
        details: {
          variantId: run.variantId,
          guidanceScale: run.guidanceScale,
          samples: rows.samples,
          images: rows.images.length,
          ...(run.apiKeyId !== actor.id ? { runOwnerKeyId: run.apiKeyId } : {}),
        },
      });
      return { rows };
    },
    { behavior: "immediate" },
  );
  return {
    id,
    deleted: true,
    samples: rows.samples,
    imagesDeleted: rows.images.length,
    filesDeleted: removeOrphanFiles(rows.images),
  };
}
