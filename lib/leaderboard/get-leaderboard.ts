// The leaderboard of one prompt set: scored runs grouped first by evaluator (scores from
// different evaluators are never ranked together), then by variant, best first by CLIPScore.
import { rankedRunsFilter, type RunSourceFilter } from "../runs/ranked-runs-filter";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { evaluators, runScores, runs, variants, type RunScoreRow } from "../../db/schema";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { evaluatorSummary, type EvaluatorSummary } from "../runs/get-run-or-throw";
import { metricLabels } from "../scoring/score-batch";

export type LeaderboardRun = Pick<RunScoreRow, "n" | "failed" | "clipScore" | "clipS" | "diversity" | "vendi" | "ci" | "metricVersions" | "computedAt"> & {
  runId: string;
  guidanceScale: number;
  sampler: string | null;
  steps: number | null;
  isDemo: boolean;
};

export type LeaderboardVariant = {
  variant: { id: string; name: string; conditioningType: string; model: string | null; isDemo: boolean };
  /** The variant's best run by CLIPScore. */
  best: LeaderboardRun;
  runs: LeaderboardRun[];
};

export type Leaderboard = {
  promptSet: { id: string; name: string; version: number; isImplicit: boolean };
  metrics: ReturnType<typeof metricLabels>;
  /** One board per evaluator; fixture evaluators carry `fixture: true` and a warning. */
  evaluators: { evaluator: EvaluatorSummary; fixture: boolean; variants: LeaderboardVariant[] }[];
};

const byClipScore = (a: { clipScore: number | null }, b: { clipScore: number | null }) => (b.clipScore ?? -Infinity) - (a.clipScore ?? -Infinity);

/** `defaultEvaluatorId` (the installed evaluator) puts its board first. Hidden runs and variants are left out; `source` keeps only uploaded, generated or demo runs. */
export function getLeaderboard(promptSet: string, opts: { version?: number; includeDemo?: boolean; defaultEvaluatorId?: string; source?: RunSourceFilter } = {}): Leaderboard {
  const db = getDb();
  const set = findPromptSetOrThrow(db, promptSet, opts.version);
  const rows = db
    .select({ score: runScores, run: runs, variant: variants, evaluator: evaluators })
    .from(runScores)
    .innerJoin(runs, eq(runs.id, runScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(evaluators, eq(evaluators.id, runScores.evaluatorId))
    .where(and(eq(runs.promptSetId, set.id), eq(runs.status, "scored"), rankedRunsFilter(opts)))
    .orderBy(asc(evaluators.id), asc(variants.name))
    .all();

  const boards = new Map<string, Leaderboard["evaluators"][number] & { byVariant: Map<string, LeaderboardVariant> }>();
  for (const { score, run, variant, evaluator } of rows) {
    let board = boards.get(evaluator.id);
    if (!board) boards.set(evaluator.id, (board = { evaluator: evaluatorSummary(evaluator), fixture: evaluator.isFixture, variants: [], byVariant: new Map() }));
    const entry: LeaderboardRun = {
      runId: run.id,
      guidanceScale: run.guidanceScale,
      sampler: run.sampler,
      steps: run.steps,
      isDemo: run.isDemo,
      n: score.n,
      failed: score.failed,
      clipScore: score.clipScore,
      clipS: score.clipS,
      diversity: score.diversity,
      vendi: score.vendi,
      ci: score.ci,
      metricVersions: score.metricVersions,
      computedAt: score.computedAt,
    };
    let v = board.byVariant.get(variant.id);
    if (!v) {
      v = { variant: { id: variant.id, name: variant.name, conditioningType: variant.conditioningType, model: variant.model, isDemo: variant.isDemo }, best: entry, runs: [] };
      board.byVariant.set(variant.id, v);
      board.variants.push(v);
    }
    v.runs.push(entry);
  }
  const evaluatorBoards = [...boards.values()].map(({ byVariant: _unused, ...board }) => {
    for (const v of board.variants) {
      v.runs.sort(byClipScore);
      v.best = v.runs[0]!;
    }
    board.variants.sort((a, b) => byClipScore(a.best, b.best));
    return board;
  });
  // Real evaluators before fixtures, so a random-weight board is never the first thing shown.
  const installed = (b: (typeof evaluatorBoards)[number]) => Number(b.evaluator.id !== opts.defaultEvaluatorId);
  evaluatorBoards.sort((a, b) => installed(a) - installed(b) || Number(a.fixture) - Number(b.fixture));
  return {
    promptSet: { id: set.id, name: set.name, version: set.version, isImplicit: set.isImplicit },
    metrics: metricLabels(),
    evaluators: evaluatorBoards,
  };
}
