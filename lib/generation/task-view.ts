// A claimed task as the worker protocol sends it (docs/reference/worker-protocol.md, type Task).
import { and, eq, gte, lt } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { generations, prompts, runs, samples, variants, type GenerationTaskRow } from "../../db/schema";
import { deriveSeed } from "./derive-seed";

/** The wire shape, defined once by the schema the reference worker validates answers with. */
export type { Task } from "./worker-client/task-schema";
import type { Task } from "./worker-client/task-schema";

export function taskView(tx: DbOrTx, task: GenerationTaskRow): Task {
  const row = tx
    .select({
      generation: generations,
      variant: variants.name,
      guidanceScale: runs.guidanceScale,
      promptKey: prompts.promptKey,
      promptText: prompts.text,
    })
    .from(generations)
    .innerJoin(variants, eq(variants.id, generations.variantId))
    .innerJoin(runs, eq(runs.id, task.runId))
    .innerJoin(prompts, eq(prompts.id, task.promptId))
    .where(eq(generations.id, task.generationId))
    .get();
  if (!row) throw new Error(`task ${task.id}: its generation, run or prompt is missing`);
  const stored = new Set(storedIndices(tx, task));
  const g = row.generation;
  const list: Task["samples"] = [];
  for (let index = task.sampleFrom; index < task.sampleTo; index++) {
    if (!stored.has(index)) list.push({ index, seed: deriveSeed(g.seed, row.promptKey, index) });
  }
  return {
    id: task.id,
    leaseExpiresAt: (task.leaseExpiresAt ?? new Date(0)).toISOString(),
    attempt: task.attempts,
    generationId: g.id,
    runId: task.runId,
    variant: row.variant,
    prompt: { id: row.promptKey, text: row.promptText },
    negativePrompt: g.negativePrompt,
    guidanceScale: row.guidanceScale,
    steps: g.steps,
    sampler: g.sampler,
    width: g.width,
    height: g.height,
    samples: list,
  };
}

/** Sample indices of the task's range that have a stored sample. */
export function storedIndices(
  tx: DbOrTx,
  task: Pick<GenerationTaskRow, "runId" | "promptId" | "sampleFrom" | "sampleTo">,
): number[] {
  return tx
    .select({ index: samples.sampleIndex })
    .from(samples)
    .where(
      and(
        eq(samples.runId, task.runId),
        eq(samples.promptId, task.promptId),
        gte(samples.sampleIndex, task.sampleFrom),
        lt(samples.sampleIndex, task.sampleTo),
      ),
    )
    .all()
    .map((r) => r.index);
}
