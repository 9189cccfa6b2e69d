// What a board is computed from, for one prompt set and one evaluator: the board's runs
// (loadBoardRuns: the ONE query that decides which runs are on a board), their
// per-(run, prompt) statistics laid out for lib/ranking, and a cheap fingerprint that
// changes whenever any of it could have changed.
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts, promptScores, runScores, runs, sampleScores, samples, variants } from "../../db/schema";
import type { RankingRun, RankingVariant } from "../ranking";

export type BoardRun = {
  runId: string;
  variantId: string;
  guidanceScale: number;
  isDemo: boolean;
  n: number;
  clipScore: number | null;
  diversity: number | null;
  vendi: number | null;
  promptsCovered: number;
  /** False for a run covering fewer prompts than the others: it is listed, not ranked. */
  ranked: boolean;
};

export type BoardScope = { promptSetId: string; evaluatorId: string; includeDemo: boolean };

export type BoardInputs = {
  runs: BoardRun[];
  /** Prompts every included run covers: the ones the ranking resamples. */
  prompts: number;
  inputs: RankingVariant[];
};

/** Which runs of a prompt set are on its boards: the one filter every board query uses. */
export function boardRunFilter(promptSetId: string, includeDemo: boolean): SQL | undefined {
  return and(eq(runs.promptSetId, promptSetId), eq(runs.status, "scored"), includeDemo ? undefined : eq(runs.isDemo, false));
}

/** The runs of a board: the prompt set's board runs (boardRunFilter) with a score by the evaluator. */
export function loadBoardRuns(db: Db, scope: BoardScope) {
  return db
    .select({ run: runs, score: runScores })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(and(boardRunFilter(scope.promptSetId, scope.includeDemo), eq(runScores.evaluatorId, scope.evaluatorId)))
    .orderBy(asc(variants.name), asc(runs.guidanceScale))
    .all();
}

/**
 * Changes whenever a run of the board is added, deleted, updated (hidden, renamed,
 * re-scored: every update bumps runs.updated_at) or its score is recomputed
 * (run_scores.computed_at), so a stored ranking can be reused until then. One indexed
 * aggregate over the board's runs; no per-sample rows are read.
 */
export function boardFingerprint(db: Db, scope: BoardScope): string {
  const row = db
    .select({
      runs: sql<number>`count(*)`,
      ids: sql<number>`coalesce(sum(${runs}.rowid), 0)`,
      updated: sql<number>`coalesce(max(${runs.updatedAt}), 0)`,
      computed: sql<number>`coalesce(max(${runScores.computedAt}), 0)`,
      statuses: sql<string>`coalesce(group_concat(distinct ${runs.status}), '')`,
    })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .where(and(eq(runs.promptSetId, scope.promptSetId), eq(runScores.evaluatorId, scope.evaluatorId), scope.includeDemo ? undefined : eq(runs.isDemo, false)))
    .get();
  return JSON.stringify([row?.runs ?? 0, row?.ids ?? 0, Number(row?.updated ?? 0), Number(row?.computed ?? 0), row?.statuses ?? ""]);
}

/** The board's runs with per-prompt statistics (the expensive part: it reads every sample score). */
export function loadBoardInputs(db: Db, scope: BoardScope): BoardInputs {
  const runRows = loadBoardRuns(db, scope);
  const runIds = runRows.map((r) => r.run.id);
  if (runIds.length === 0) return { runs: [], prompts: 0, inputs: [] };
  const evalId = scope.evaluatorId;

  // Per (run, prompt): scored images and the sum of their raw cosines (clip scores are derived
  // from these; the stored per-prompt CLIPScore is clamped and can't be summed back). Scoring
  // stores the sum in prompt_scores; only runs scored before it did are re-aggregated.
  const keys = new Map(db.select({ id: prompts.id, key: prompts.promptKey }).from(prompts).where(eq(prompts.promptSetId, scope.promptSetId)).all().map((p) => [p.id, p.key]));
  const divs = db
    .select({ runId: promptScores.runId, promptId: promptScores.promptId, n: promptScores.n, failed: promptScores.failed, cosSum: promptScores.cosSum, diversity: promptScores.diversity })
    .from(promptScores)
    .where(and(inArray(promptScores.runId, runIds), eq(promptScores.evaluatorId, evalId)))
    .all();
  const perRun = new Map<string, Map<number, { n: number; cosSum: number; diversity: number | null; key: string }>>();
  const legacy = new Set<string>();
  for (const d of divs) {
    if (!perRun.has(d.runId)) perRun.set(d.runId, new Map());
    if (d.cosSum === null) legacy.add(d.runId);
    perRun.get(d.runId)!.set(d.promptId, { n: d.n - d.failed, cosSum: d.cosSum ?? 0, diversity: d.diversity, key: keys.get(d.promptId) ?? String(d.promptId) });
  }
  if (legacy.size > 0) {
    const sums = db
      .select({ runId: samples.runId, promptId: samples.promptId, n: sql<number>`count(${sampleScores.cosine})`, cosSum: sql<number>`coalesce(sum(${sampleScores.cosine}), 0)` })
      .from(samples)
      .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evalId)))
      .where(inArray(samples.runId, [...legacy]))
      .groupBy(samples.runId, samples.promptId)
      .all();
    for (const s of sums) {
      const p = perRun.get(s.runId)?.get(s.promptId);
      if (p) Object.assign(p, { n: Number(s.n), cosSum: Number(s.cosSum) });
    }
  }
  // The ranking resamples prompts jointly across runs, so every ranked run must cover the same
  // prompts. Runs covering fewer prompts than the best-covered ones (a partial upload) are left
  // out of the ranking and reported, rather than shrinking everyone's prompt sample.
  const coverage = (id: string) => perRun.get(id)?.size ?? 0;
  const maxCoverage = Math.max(...runIds.map(coverage));
  const partial = new Set(runIds.filter((id) => coverage(id) < maxCoverage));
  let common: Set<number> | undefined;
  for (const [id, m] of perRun) if (!partial.has(id)) common = common ? new Set([...common].filter((k) => m.has(k))) : new Set(m.keys());
  const shared = [...(common ?? [])].sort((a, b) => a - b);

  const byVariant = new Map<string, { variantId: string; runs: RankingRun[] }>();
  const boardRuns: BoardRun[] = [];
  for (const { run, score } of runRows) {
    const m = perRun.get(run.id) ?? new Map();
    boardRuns.push({ runId: run.id, variantId: run.variantId, guidanceScale: run.guidanceScale, isDemo: run.isDemo, n: score.n, clipScore: score.clipScore, diversity: score.diversity, vendi: score.vendi, promptsCovered: m.size, ranked: !partial.has(run.id) });
    if (partial.has(run.id)) continue;
    if (!byVariant.has(run.variantId)) byVariant.set(run.variantId, { variantId: run.variantId, runs: [] });
    byVariant.get(run.variantId)!.runs.push({
      runId: run.id,
      guidanceScale: run.guidanceScale,
      vendi: score.vendi,
      prompts: shared.map((pid) => ({ promptId: m.get(pid)!.key, n: m.get(pid)!.n, cosSum: m.get(pid)!.cosSum, diversity: m.get(pid)!.diversity })),
    });
  }
  return { runs: boardRuns, prompts: shared.length, inputs: shared.length > 0 ? [...byVariant.values()] : [] };
}
