// Deletes a variant with all its runs and generations (owner or admin). A submitter may not
// delete other keys' runs with it: 409 naming them, unless the actor is an admin. One
// transaction for the rows and the audit record; files after the commit (see delete-run.ts).
import { and, eq, isNull, ne, or } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, runs, variants } from "../../db/schema/index";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, isAdmin, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../core/errors";
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

/** Throws 404 for an unknown variant, 403 unless owner or admin, 409 when other keys' runs use it (non-admin). */
export function deleteVariant(nameOrId: string, actor: Actor): DeleteVariantResult {
  const { variant, rows } = getDb().transaction(
    (tx) => {
      const variant = findVariantOrThrow(tx, nameOrId);
      authorizeMutation(actor, { kind: "variant", id: variant.id, ownerKeyId: variant.apiKeyId }, "delete");
      if (!isAdmin(actor)) {
        const others = tx
          .select({ id: runs.id })
          .from(runs)
          .where(and(eq(runs.variantId, variant.id), or(isNull(runs.apiKeyId), ne(runs.apiKeyId, actor.id))))
          .all();
        if (others.length > 0) {
          throw new AppError(
            "conflict",
            `variant "${variant.name}" has ${others.length} run(s) made by other API keys; only an admin key may delete it with them`,
            {
              reason: "runs_of_other_keys",
              runs: others.slice(0, 100).map((r) => r.id),
            },
          );
        }
      }
      const runIds = tx
        .select({ id: runs.id })
        .from(runs)
        .where(eq(runs.variantId, variant.id))
        .all()
        .map((r) => r.id);
      const rows = deleteRunRows(tx, runIds);
      tx.delete(generations).where(eq(generations.variantId, variant.id)).run();
      tx.delete(variants).where(eq(variants.id, variant.id)).run();
      recordAudit(tx, actor, {
        action: "variant.delete",
        targetType: "variant",
        targetId: variant.id,
        details: { name: variant.name, runs: rows.runs, samples: rows.samples },
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
