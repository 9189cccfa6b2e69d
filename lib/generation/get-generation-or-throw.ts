// One generation as the API shows it: its request, status, task counts, and each run's
// generation and scoring progress.
import { asc, eq, inArray } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import {
  generations,
  promptSets,
  runs,
  variants,
  type GenerationRow,
  type GenerationStatus,
  type RunStatus,
  type TaskStatus,
} from "../../db/schema";
import { AppError } from "../core/errors";
import { taskCounts } from "./settle-generation";

export type GenerationRunView = {
  id: string;
  guidanceScale: number;
  status: RunStatus;
  error: string | null;
  generated: { done: number; total: number };
  scoring: { done: number; total: number };
  pageUrl: string;
};

export type GenerationView = Omit<GenerationRow, "variantId" | "promptSetId" | "apiKeyId"> & {
  status: GenerationStatus;
  variant: { id: string; name: string };
  promptSet: { id: string; name: string; version: number };
  tasks: Record<TaskStatus, number> & { total: number };
  progress: { generated: number; total: number };
  runs: GenerationRunView[];
  statusUrl: string;
};

export function getGenerationOrThrow(id: string, db: DbOrTx = getDb()): GenerationView {
  const [view] = generationViews(db, [id]);
  if (!view) throw new AppError("not_found", `no generation with id "${id}"`);
  return view;
}

/** Views of the given generations, in the order of `ids`. */
export function generationViews(db: DbOrTx, ids: string[]): GenerationView[] {
  if (ids.length === 0) return [];
  const rows = db
    .select({
      generation: generations,
      variant: { id: variants.id, name: variants.name },
      promptSet: { id: promptSets.id, name: promptSets.name, version: promptSets.version },
    })
    .from(generations)
    .innerJoin(variants, eq(variants.id, generations.variantId))
    .innerJoin(promptSets, eq(promptSets.id, generations.promptSetId))
    .where(inArray(generations.id, ids))
    .all();
  const runRows = db
    .select()
    .from(runs)
    .where(inArray(runs.generationId, ids))
    .orderBy(asc(runs.createdAt), asc(runs.guidanceScale))
    .all();
  const byId = new Map(rows.map((r) => [r.generation.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const { variantId: _v, promptSetId: _p, apiKeyId: _k, ...g } = r.generation;
    // Runs in the order the request listed their scales.
    const order = new Map(g.guidanceScales.map((s, i) => [s, i]));
    const own = runRows
      .filter((run) => run.generationId === id)
      .sort((a, b) => (order.get(a.guidanceScale) ?? 0) - (order.get(b.guidanceScale) ?? 0));
    const counts = taskCounts(db, id);
    return [
      {
        ...g,
        variant: r.variant,
        promptSet: r.promptSet,
        tasks: { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) },
        progress: {
          generated: own.reduce((a, run) => a + run.generatedDone, 0),
          total: own.reduce((a, run) => a + run.generatedTotal, 0),
        },
        runs: own.map((run) => ({
          id: run.id,
          guidanceScale: run.guidanceScale,
          status: run.status,
          error: run.error,
          generated: { done: run.generatedDone, total: run.generatedTotal },
          scoring: { done: run.status === "generating" ? 0 : run.progressDone, total: run.progressTotal },
          pageUrl: `/runs/${run.id}`,
        })),
        statusUrl: `/api/v1/generations/${id}`,
      },
    ];
  });
}
