// The row half of deleting runs, inside the caller's transaction: the runs with their samples,
// scores, scoring jobs and generation tasks; generations left without runs; implicit (upload-
// derived) prompt sets nothing uses any more; and the images rows no other sample uses (with
// their cached embeddings). Returns those images so the caller can delete their files after the
// commit (lib/storage/orphan-images.ts explains why files go last).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import {
  generations,
  generationTasks,
  images,
  jobs,
  prompts,
  promptScores,
  promptSets,
  runScores,
  runs,
  sampleScores,
  samples,
} from "../../db/schema";
import { settleGeneration } from "../generation/settle-generation";
import { dropUnusedImageRows, type OrphanImage } from "../storage/orphan-images";

export type DeletedRows = {
  runs: number;
  samples: number;
  generations: number;
  promptSets: number;
  images: OrphanImage[];
};

export function deleteRunRows(tx: DbOrTx, runIds: readonly string[], now = Date.now()): DeletedRows {
  const out: DeletedRows = { runs: 0, samples: 0, generations: 0, promptSets: 0, images: [] };
  if (runIds.length === 0) return out;
  const ids = [...runIds];
  const gone = tx
    .select({ generationId: runs.generationId, promptSetId: runs.promptSetId })
    .from(runs)
    .where(inArray(runs.id, ids))
    .all();
  const candidates = tx
    .selectDistinct({ sha256: images.sha256, format: images.format })
    .from(samples)
    .innerJoin(images, eq(images.sha256, samples.imageSha256))
    .where(inArray(samples.runId, ids))
    .all();

  const runSamples = tx.select({ id: samples.id }).from(samples).where(inArray(samples.runId, ids));
  tx.delete(sampleScores).where(inArray(sampleScores.sampleId, runSamples)).run();
  tx.delete(promptScores).where(inArray(promptScores.runId, ids)).run();
  tx.delete(runScores).where(inArray(runScores.runId, ids)).run();
  tx.delete(jobs).where(inArray(jobs.runId, ids)).run();
  tx.delete(generationTasks).where(inArray(generationTasks.runId, ids)).run();
  out.samples = tx.delete(samples).where(inArray(samples.runId, ids)).run().changes;
  out.runs = tx.delete(runs).where(inArray(runs.id, ids)).run().changes;

  // A generation keeps describing its remaining runs; one with none left has nothing to describe.
  for (const generationId of new Set(gone.map((g) => g.generationId).filter((g): g is string => g !== null))) {
    const left = tx.select({ id: runs.id }).from(runs).where(eq(runs.generationId, generationId)).limit(1).get();
    if (left) settleGeneration(tx, generationId, now);
    else out.generations += tx.delete(generations).where(eq(generations.id, generationId)).run().changes;
  }
  // Upload-derived prompt sets exist only for their runs; named sets are kept.
  for (const setId of new Set(gone.map((g) => g.promptSetId))) {
    const set = tx.select({ isImplicit: promptSets.isImplicit }).from(promptSets).where(eq(promptSets.id, setId)).get();
    if (!set?.isImplicit) continue;
    const used =
      tx
        .select({ one: sql`1` })
        .from(runs)
        .where(eq(runs.promptSetId, setId))
        .limit(1)
        .get() ??
      tx
        .select({ one: sql`1` })
        .from(generations)
        .where(eq(generations.promptSetId, setId))
        .limit(1)
        .get();
    if (used) continue;
    tx.delete(prompts).where(eq(prompts.promptSetId, setId)).run();
    out.promptSets += tx
      .delete(promptSets)
      .where(and(eq(promptSets.id, setId), eq(promptSets.isImplicit, true)))
      .run().changes;
  }
  out.images = dropUnusedImageRows(tx, candidates);
  return out;
}
