// What a board is computed from, for one prompt set and one evaluator: the board's runs
// (loadBoardRuns: the ONE query that decides which runs are on a board), their
// per-(run, prompt) statistics laid out for lib/ranking, and a cheap fingerprint that
// changes whenever any of it could have changed.
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts, promptScores, runScores, runs, sampleScores, samples, variants } from "../../db/schema";
import type { RankingRun, RankingVariant } from "../ranking";
import { rankedRunsFilter, type RunSourceFilter } from "../runs/ranked-runs-filter";

type RankingPrompt = RankingRun["prompts"][number];

export type BoardRun = {
  runId: string;
  variantId: string;
  guidanceScale: number;
  /** Which trained copy of the variant made the run; null for a variant with one. */
  replicate: string | null;
  isDemo: boolean;
  /** uploaded or generated: the plot joins a variant's runs of one source only. */
  source: string;
  n: number;
  clipScore: number | null;
  diversity: number | null;
  vendi: number | null;
  promptsCovered: number;
  /**
   * False for a partial run (fewer prompts than the prompt set has; with includePartial, fewer
   * than the best-covered run of the board): it is listed, flagged "n of m prompts", not ranked.
   */
  ranked: boolean;
};

/**
 * `source`: only uploaded, generated or demo runs (lib/runs/ranked-runs-filter.ts).
 * `includePartial`: rank runs that lack some of the set's prompts too, over the prompts every
 * ranked run covers (the reader's opt-in); by default only complete runs are ranked.
 */
export type BoardScope = {
  promptSetId: string;
  evaluatorId: string;
  includeDemo: boolean;
  source?: RunSourceFilter;
  includePartial?: boolean;
};

export type BoardInputs = {
  runs: BoardRun[];
  /** Prompts every included run covers: the ones the ranking resamples. */
  prompts: number;
  /** Prompts the prompt set has: a run covering fewer is partial. */
  setPrompts: number;
  inputs: RankingVariant[];
};

/**
 * Which runs of a prompt set are on its boards: the one filter every board query uses (scored,
 * not hidden, variant not hidden, the demo and source filters). The query must join `variants`.
 */
export function boardRunFilter(promptSetId: string, includeDemo: boolean, source?: RunSourceFilter): SQL | undefined {
  return and(eq(runs.promptSetId, promptSetId), eq(runs.status, "scored"), rankedRunsFilter({ includeDemo, source }));
}

/** The runs of a board: the prompt set's board runs (boardRunFilter) with a score by the evaluator. */
export function loadBoardRuns(db: Db, scope: BoardScope) {
  return db
    .select({ run: runs, score: runScores })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(
      and(
        boardRunFilter(scope.promptSetId, scope.includeDemo, scope.source),
        eq(runScores.evaluatorId, scope.evaluatorId),
      ),
    )
    .orderBy(asc(variants.name), asc(runs.guidanceScale))
    .all();
}

/**
 * Changes whenever a run of the board is added, deleted, updated (hidden, renamed,
 * re-scored: every update bumps runs.updated_at), its variant is hidden or unhidden, or its score is recomputed
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
      hiddenVariants: sql<string>`coalesce(group_concat(distinct ${variants.id} || ':' || ${variants.hiddenAt}), '')`,
    })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(
      and(
        eq(runs.promptSetId, scope.promptSetId),
        eq(runScores.evaluatorId, scope.evaluatorId),
        scope.includeDemo ? undefined : eq(runs.isDemo, false),
      ),
    )
    .get();
  return JSON.stringify([
    row?.runs ?? 0,
    row?.ids ?? 0,
    Number(row?.updated ?? 0),
    Number(row?.computed ?? 0),
    row?.statuses ?? "",
    row?.hiddenVariants ?? "",
  ]);
}

/** The board's runs with per-prompt statistics (the expensive part: it reads every sample score). */
export function loadBoardInputs(db: Db, scope: BoardScope): BoardInputs {
  const runRows = loadBoardRuns(db, scope);
  const runIds = runRows.map((r) => r.run.id);
  if (runIds.length === 0) return { runs: [], prompts: 0, setPrompts: 0, inputs: [] };
  const evalId = scope.evaluatorId;

  // Per (run, prompt): scored images and the sum of their raw cosines (clip scores are derived
  // from these; the stored per-prompt CLIPScore is clamped and can't be summed back). Scoring
  // stores the sum in prompt_scores; only runs scored before it did are re-aggregated.
  const keys = new Map(
    db
      .select({ id: prompts.id, key: prompts.promptKey })
      .from(prompts)
      .where(eq(prompts.promptSetId, scope.promptSetId))
      .all()
      .map((p) => [p.id, p.key]),
  );
  // Raw rows (no per-row object mapping): this is the one query that reads a row per (run, prompt).
  const divs = db
    .select({
      runId: promptScores.runId,
      promptId: promptScores.promptId,
      n: promptScores.n,
      failed: promptScores.failed,
      cosSum: promptScores.cosSum,
      diversity: promptScores.diversity,
      cosSqSum: promptScores.cosSqSum,
    })
    .from(promptScores)
    .where(and(inArray(promptScores.runId, runIds), eq(promptScores.evaluatorId, evalId)))
    .values() as [string, number, number, number, number | null, number | null, number | null][];
  // Each (run, prompt)'s statistics are built once, as the ranking reads them.
  const perRun = new Map<string, Map<number, RankingPrompt>>();
  const legacy = new Set<string>();
  let current: Map<number, RankingPrompt> | undefined;
  let currentRun = "";
  for (const [runId, promptId, n, failed, cosSum, diversity, cosSqSum] of divs) {
    if (runId !== currentRun || !current) {
      currentRun = runId;
      current = perRun.get(runId);
      if (!current) perRun.set(runId, (current = new Map()));
    }
    if (cosSum === null) legacy.add(runId);
    current.set(promptId, {
      promptId: keys.get(promptId) ?? String(promptId),
      n: n - failed,
      cosSum: cosSum ?? 0,
      cosSqSum,
      diversity,
    });
  }
  if (legacy.size > 0) {
    const sums = db
      .select({
        runId: samples.runId,
        promptId: samples.promptId,
        n: sql<number>`count(${sampleScores.cosine})`,
        cosSum: sql<number>`coalesce(sum(${sampleScores.cosine}), 0)`,
        cosSqSum: sql<number>`coalesce(sum(${sampleScores.cosine} * ${sampleScores.cosine}), 0)`,
      })
      .from(samples)
      .innerJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evalId)))
      .where(inArray(samples.runId, [...legacy]))
      .groupBy(samples.runId, samples.promptId)
      .all();
    for (const s of sums) {
      const p = perRun.get(s.runId)?.get(s.promptId);
      if (p) Object.assign(p, { n: Number(s.n), cosSum: Number(s.cosSum), cosSqSum: Number(s.cosSqSum) });
    }
  }
  // The ranking resamples prompts jointly across runs, so every ranked run must cover the same
  // prompts. A run lacking some of the set's prompts (a partial upload) averages other prompts
  // than the set's: it is left out of the ranking and flagged, unless the reader opts in, and
  // then runs covering fewer prompts than the best-covered ones still are, rather than
  // shrinking everyone's prompt sample.
  const coverage = (id: string) => perRun.get(id)?.size ?? 0;
  const complete = scope.includePartial ? Math.max(...runIds.map(coverage)) : keys.size;
  const partial = new Set(runIds.filter((id) => coverage(id) < complete));
  let common: Set<number> | undefined;
  for (const [id, m] of perRun)
    if (!partial.has(id)) common = common ? new Set([...common].filter((k) => m.has(k))) : new Set(m.keys());
  const shared = [...(common ?? [])].sort((a, b) => a - b);

  const byVariant = new Map<string, { variantId: string; runs: RankingRun[] }>();
  const boardRuns: BoardRun[] = [];
  for (const { run, score } of runRows) {
    const m = perRun.get(run.id) ?? new Map();
    boardRuns.push({
      runId: run.id,
      variantId: run.variantId,
      guidanceScale: run.guidanceScale,
      replicate: run.replicate,
      isDemo: run.isDemo,
      source: run.source,
      n: score.n,
      clipScore: score.clipScore,
      diversity: score.diversity,
      vendi: score.vendi,
      promptsCovered: m.size,
      ranked: !partial.has(run.id),
    });
    if (partial.has(run.id)) continue;
    if (!byVariant.has(run.variantId)) byVariant.set(run.variantId, { variantId: run.variantId, runs: [] });
    byVariant.get(run.variantId)!.runs.push({
      runId: run.id,
      guidanceScale: run.guidanceScale,
      replicate: run.replicate,
      vendi: score.vendi,
      prompts: shared.map((pid) => m.get(pid)!),
    });
  }
  return {
    runs: boardRuns,
    prompts: shared.length,
    setPrompts: keys.size,
    inputs: shared.length > 0 ? [...byVariant.values()] : [],
  };
}
