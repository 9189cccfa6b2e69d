// Removes the demo data: every isDemo run with its samples, scores and jobs, the demo variants
// and prompt sets (unless a non-demo run still uses one: those are kept and reported), the
// reference sets tied to the demo prompt sets it deletes (the toy reference set), and the
// images that only demo samples and those reference sets used, with their cached embeddings. The rows go in one
// transaction; the files are deleted afterwards, each only if no images row has reappeared
// (an upload of the same content may have committed in between), under the write lock so that
// no upload can commit a reference to a file while it is being deleted.
import { and, eq, exists, inArray, not, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, promptSets, referenceSets, runs, variants } from "../../db/schema";
import { deleteRunRows } from "../runs/delete-run-rows";
import { deleteReferenceSetRows } from "../reference-sets/delete-reference-set-rows";
import { removeOrphanFiles } from "../storage/orphan-images";

export type RemoveDemoResult = {
  runs: number;
  samples: number;
  variants: number;
  promptSets: number;
  /** Reference sets tied to the deleted demo prompt sets. */
  referenceSets: number;
  /** Image rows deleted (content no non-demo sample uses) and files deleted from the store. */
  images: number;
  filesDeleted: number;
  /** Demo variants and prompt sets kept because non-demo runs use them. */
  keptVariants: string[];
  keptPromptSets: string[];
};

export function removeDemo(): RemoveDemoResult {
  const db = getDb();
  const { result, orphans } = db.transaction(
    (tx) => {
      const demoRuns = tx
        .select({ id: runs.id })
        .from(runs)
        .where(eq(runs.isDemo, true))
        .all()
        .map((r) => r.id);
      const deleted = deleteRunRows(tx, demoRuns);

      const variantUsed = exists(
        tx
          .select({ one: sql`1` })
          .from(runs)
          .where(eq(runs.variantId, variants.id)),
      );
      const keptVariants = tx
        .select({ name: variants.name })
        .from(variants)
        .where(and(eq(variants.isDemo, true), variantUsed))
        .all()
        .map((v) => v.name);
      const variantCount = tx
        .delete(variants)
        .where(and(eq(variants.isDemo, true), not(variantUsed)))
        .run().changes;

      const setUsed = exists(
        tx
          .select({ one: sql`1` })
          .from(runs)
          .where(eq(runs.promptSetId, promptSets.id)),
      );
      const keptPromptSets = tx
        .select({ name: promptSets.name, version: promptSets.version })
        .from(promptSets)
        .where(and(eq(promptSets.isDemo, true), setUsed))
        .all()
        .map((s) => `${s.name}@${s.version}`);
      const unusedSets = tx
        .select({ id: promptSets.id })
        .from(promptSets)
        .where(and(eq(promptSets.isDemo, true), not(setUsed)));
      // The toy reference set lives and goes with its demo prompt set.
      const demoRefs = tx
        .select({ id: referenceSets.id })
        .from(referenceSets)
        .where(inArray(referenceSets.promptSetId, unusedSets))
        .all();
      const refs = deleteReferenceSetRows(
        tx,
        demoRefs.map((r) => r.id),
      );
      tx.delete(prompts).where(inArray(prompts.promptSetId, unusedSets)).run();
      const setCount = tx
        .delete(promptSets)
        .where(and(eq(promptSets.isDemo, true), not(setUsed)))
        .run().changes;

      const orphans = [...deleted.images, ...refs.orphans];

      const result: RemoveDemoResult = {
        runs: deleted.runs,
        samples: deleted.samples,
        variants: variantCount,
        promptSets: setCount,
        referenceSets: refs.sets,
        images: orphans.length,
        filesDeleted: 0,
        keptVariants,
        keptPromptSets,
      };
      return { result, orphans };
    },
    { behavior: "immediate" },
  );

  result.filesDeleted = removeOrphanFiles(orphans);
  return result;
}
