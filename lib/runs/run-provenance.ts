// Where a generated run's samples come from: the generation's settings (steps, sampler, size,
// negative prompt, seed) and, per distinct (engine, model, worker) that completed its tasks,
// how many tasks each did. Uploaded runs have none: their settings are what the uploader declared.
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { generations, generationTasks, workerTokens } from "../../db/schema";

export type RunProducer = {
  engine: string | null;
  /** The model folder's name and the SHA-256 over its files, as the worker reported them. */
  model: { name: string | null; sha256: string | null } | null;
  /** The worker token's name. */
  worker: string | null;
  tasks: number;
};

export type RunProvenance = {
  generationId: string;
  steps: number;
  sampler: string;
  width: number;
  height: number;
  negativePrompt: string | null;
  seed: number;
  /** Completed tasks grouped by who made them; more than one entry means mixed producers. */
  producers: RunProducer[];
};

export function runProvenance(db: DbOrTx, run: { id: string; generationId: string | null }): RunProvenance | null {
  if (!run.generationId) return null;
  const g = db.select().from(generations).where(eq(generations.id, run.generationId)).get();
  if (!g) return null;
  const rows = db
    .select({
      engine: generationTasks.engine,
      modelName: generationTasks.modelName,
      modelSha256: generationTasks.modelSha256,
      worker: workerTokens.name,
      tasks: sql<number>`count(*)`,
    })
    .from(generationTasks)
    .leftJoin(workerTokens, eq(workerTokens.id, generationTasks.completedBy))
    .where(sql`${generationTasks.runId} = ${run.id} and ${generationTasks.status} = 'done'`)
    .groupBy(generationTasks.engine, generationTasks.modelName, generationTasks.modelSha256, workerTokens.name)
    .all();
  return {
    generationId: g.id,
    steps: g.steps,
    sampler: g.sampler,
    width: g.width,
    height: g.height,
    negativePrompt: g.negativePrompt,
    seed: g.seed,
    producers: rows.map((r) => ({
      engine: r.engine,
      model: r.modelName || r.modelSha256 ? { name: r.modelName, sha256: r.modelSha256 } : null,
      worker: r.worker,
      tasks: Number(r.tasks),
    })),
  };
}

/** Who brought the run in, as its page says it: the uploader of an upload, the requester of a generation. */
export function ownerSentence(source: string, ownerName: string): string {
  return source === "generated"
    ? `Generation requested with API key “${ownerName}”; its samples were made by the GPU workers listed under Provenance.`
    : `Uploaded with API key “${ownerName}”.`;
}
