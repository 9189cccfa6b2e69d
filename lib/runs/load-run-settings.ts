// The settings lib/runs/settings-outliers.ts compares, loaded for a list of runs.
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, generationTasks, runs } from "../../db/schema";
import type { RunSettings } from "./settings-outliers";

/**
 * The settings compared for each run: source, sampler, steps and, for generated runs, size,
 * negative prompt and the model digest(s) its workers reported. In `runIds` order.
 */
export function loadRunSettings(runIds: readonly string[]): RunSettings[] {
  if (runIds.length === 0) return [];
  const db = getDb();
  const rows = db
    .select({
      id: runs.id,
      variantId: runs.variantId,
      promptSetId: runs.promptSetId,
      source: runs.source,
      sampler: runs.sampler,
      steps: runs.steps,
      g: generations,
    })
    .from(runs)
    .leftJoin(generations, eq(generations.id, runs.generationId))
    .where(inArray(runs.id, [...runIds]))
    .all();
  const models = new Map<string, string>();
  for (const m of db
    .select({
      runId: generationTasks.runId,
      models: sql<string>`group_concat(distinct ${generationTasks.modelSha256})`,
    })
    .from(generationTasks)
    .where(and(inArray(generationTasks.runId, [...runIds]), eq(generationTasks.status, "done")))
    .groupBy(generationTasks.runId)
    .all())
    if (m.models)
      models.set(
        m.runId,
        m.models
          .split(",")
          .sort()
          .map((s) => s.slice(0, 12))
          .join("+"),
      );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return runIds
    .map((id) => byId.get(id))
    .filter((r): r is NonNullable<typeof r> => r !== undefined)
    .map((r) => ({
      runId: r.id,
      curve: `${r.variantId}/${r.promptSetId}`,
      settings: {
        source: r.source,
        sampler: r.sampler,
        steps: r.steps,
        size: r.g ? `${r.g.width}×${r.g.height}` : null,
        negativePrompt: r.g?.negativePrompt ?? null,
        model: models.get(r.id) ?? null,
      },
    }));
}
