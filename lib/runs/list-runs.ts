// Runs, newest first, filtered by variant, prompt set and status, with their headline scores
// from the evaluator that last scored them.
import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { evaluators, promptSets, runScores, runStatusSchema, runs, variants } from "../../db/schema";
import { evaluatorWarning } from "../clip/identity";
import { decimalNumber } from "../core/decimal-number";
import { validationError } from "../core/errors";

export const listRunsInputSchema = z.object({
  variant: z.string().trim().min(1).optional(),
  /** Prompt set name (all versions). */
  promptSet: z.string().trim().min(1).optional(),
  status: runStatusSchema.optional(),
  /** Runs of one replicate (trained copy) label; "none" for runs without one. */
  replicate: z.string().trim().min(1).max(100).optional(),
  limit: decimalNumber((n) => n.int().min(1).max(200)).default(50),
  offset: decimalNumber((n) => n.int().min(0)).default(0),
});
export type ListRunsInput = z.input<typeof listRunsInputSchema>;

export type RunListItem = {
  id: string;
  status: string;
  source: string;
  variant: string;
  promptSet: { name: string; version: number; isImplicit: boolean };
  guidanceScale: number;
  /** Which trained copy of the variant made the run; null for a variant with one. */
  replicate: string | null;
  sampler: string | null;
  steps: number | null;
  progress: { done: number; total: number };
  /** Generated runs: samples stored by GPU workers so far, of those asked for. */
  generated: { done: number; total: number } | null;
  error: string | null;
  evaluator: { id: string; isFixture: boolean; warning?: string } | null;
  scores: {
    n: number;
    failed: number;
    clipScore: number | null;
    clipS: number | null;
    diversity: number | null;
    vendi: number | null;
  } | null;
  isDemo: boolean;
  /** Why the run is hidden from rankings (null when it is not hidden). */
  hiddenReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

export function listRuns(input: ListRunsInput = {}): {
  runs: RunListItem[];
  total: number;
  limit: number;
  offset: number;
} {
  const parsed = listRunsInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "filters");
  const f = parsed.data;
  const db = getDb();
  const where: SQL[] = [];
  if (f.variant) where.push(eq(variants.name, f.variant));
  if (f.promptSet) where.push(eq(promptSets.name, f.promptSet));
  if (f.status) where.push(eq(runs.status, f.status));
  if (f.replicate) where.push(f.replicate === "none" ? isNull(runs.replicate) : eq(runs.replicate, f.replicate));
  const cond = where.length > 0 ? and(...where) : undefined;

  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(promptSets, eq(promptSets.id, runs.promptSetId))
    .where(cond)
    .get()!.n;
  const rows = db
    .select({
      run: runs,
      variant: variants.name,
      promptSet: { name: promptSets.name, version: promptSets.version, isImplicit: promptSets.isImplicit },
      score: runScores,
      isFixture: evaluators.isFixture,
      evaluatorName: evaluators.name,
    })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(promptSets, eq(promptSets.id, runs.promptSetId))
    .leftJoin(runScores, and(eq(runScores.runId, runs.id), eq(runScores.evaluatorId, runs.evaluatorId)))
    .leftJoin(evaluators, eq(evaluators.id, runs.evaluatorId))
    .where(cond)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  return {
    runs: rows.map(({ run, variant, promptSet, score, isFixture, evaluatorName }) => ({
      id: run.id,
      status: run.status,
      source: run.source,
      variant,
      promptSet,
      guidanceScale: run.guidanceScale,
      replicate: run.replicate,
      sampler: run.sampler,
      steps: run.steps,
      progress: { done: run.progressDone, total: run.progressTotal },
      generated: run.generationId ? { done: run.generatedDone, total: run.generatedTotal } : null,
      error: run.error,
      evaluator: run.evaluatorId
        ? withWarning({ id: run.evaluatorId, isFixture: isFixture ?? false }, evaluatorName ?? "")
        : null,
      scores: score
        ? {
            n: score.n,
            failed: score.failed,
            clipScore: score.clipScore,
            clipS: score.clipS,
            diversity: score.diversity,
            vendi: score.vendi,
          }
        : null,
      isDemo: run.isDemo,
      hiddenReason: run.hiddenAt ? (run.hiddenReason ?? "hidden") : null,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
    })),
    total,
    limit: f.limit,
    offset: f.offset,
  };
}

function withWarning(
  e: { id: string; isFixture: boolean },
  name: string,
): { id: string; isFixture: boolean; warning?: string } {
  const warning = evaluatorWarning({ name, isFixture: e.isFixture });
  return warning ? { ...e, warning } : e;
}
