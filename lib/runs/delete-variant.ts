// Deletes a variant with all its runs and generations (owner or admin), other keys' runs on it
// included: a variant belongs to its owner, who can always remove what others added to it (the
// audit record counts them). One transaction for the rows and the audit record; files after the
// commit (see delete-run.ts).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, runs, variants } from "../../db/schema/index";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { deleteRunRows } from "./delete-run-rows";
import { removeOrphanFiles } from "../storage/orphan-images";
import { findVariantOrThrow } from "../variants/find-variant";

export type DeleteVariantResult = {
  id: string;
  name: string;
  deleted: true;
  runs: number;
  samples: number;
  imagesDeleted: number;
  filesDeleted: number;
};

/** Throws 404 for an unknown variant, 403 unless owner or admin. */
export function deleteVariant(nameOrId: string, actor: Actor): DeleteVariantResult {
  const { variant, rows } = getDb().transaction(
    (tx) => {
      const variant = findVariantOrThrow(tx, nameOrId);
      authorizeMutation(actor, { kind: "variant", id: variant.id, ownerKeyId: variant.apiKeyId }, "delete");
      const variantRuns = tx
        .select({ id: runs.id, apiKeyId: runs.apiKeyId })
        .from(runs)
        .where(eq(runs.variantId, variant.id))
        .all();
      const runIds = variantRuns.map((r) => r.id);
      const othersRuns = variantRuns.filter((r) => r.apiKeyId !== actor.id).length;
      const rows = deleteRunRows(tx, runIds);
      tx.delete(generations).where(eq(generations.variantId, variant.id)).run();
      tx.delete(variants).where(eq(variants.id, variant.id)).run();
      recordAudit(tx, actor, {
        action: "variant.delete",
        targetType: "variant",
        targetId: variant.id,
        details: {
          name: variant.name,
          runs: rows.runs,
          samples: rows.samples,
          ...(othersRuns > 0 ? { runsOfOtherKeys: othersRuns } : {}),
        },
      });
      return { variant, rows };
    },
    { behavior: "immediate" },
  );
  return {
    id: variant.id,
    name: variant.name,
    deleted: true,
    runs: rows.runs,
    samples: rows.samples,
    imagesDeleted: rows.images.length,
    filesDeleted: removeOrphanFiles(rows.images),
  };
}
