// The leaderboard of one prompt set (GET /api/v1/leaderboard): scored runs grouped first by
// evaluator (scores from different evaluators are never ranked together), then by variant,
// in the order of that evaluator's ranking (the page's: getRankedBoard), with the ranking
// itself as rows and the pairwise matrix.
import type { RunSourceFilter } from "../runs/ranked-runs-filter";
import { getDb } from "../../db/client";
import type { RunScoreRow } from "../../db/schema";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import type { EvaluatorSummary } from "../runs/get-run-or-throw";
import type { PairComparison, Ranking, RankingOptions } from "../ranking";
import { metricLabels } from "../scoring/score-batch";
import { loadBoardRuns } from "./board-inputs";
import { getRankedBoard } from "./get-ranked-board";
import { rankingRows, type RankingRow } from "./ranking-rows";

export type LeaderboardRun = Pick<
  RunScoreRow,
  "n" | "failed" | "clipScore" | "clipS" | "diversity" | "vendi" | "ci" | "metricVersions" | "computedAt"
> & {
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
  evaluators: {
    evaluator: EvaluatorSummary;
    fixture: boolean;
    ranking: LeaderboardRanking;
    variants: LeaderboardVariant[];
  }[];
};

/** The evaluator's ranking, as the page shows it. */
export type LeaderboardRanking = {
  methodVersion: string;
  /** True while a newer version is being computed: these rows are the previous version's. */
  updating: boolean;
  diversity: Ranking["diversity"];
  /** Where every listed curve is observed. */
  window: Ranking["window"];
  significance: Ranking["significance"] | null;
  /** The board's MDE at 80 % power and its variance components (the power calculator's input). */
  power: Ranking["power"] | null;
  rows: RankingRow[];
  /** Every pair of ranked variants: A − B at the level, CI, resamples, Holm-adjusted p. */
  pairs: PairComparison[];
};

const byClipScore = (a: { clipScore: number | null }, b: { clipScore: number | null }) =>
  (b.clipScore ?? -Infinity) - (a.clipScore ?? -Infinity);

/** `defaultEvaluatorId` (the installed evaluator) puts its board first. Hidden runs and variants are left out; `source` keeps only uploaded, generated or demo runs. */
export function getLeaderboard(
  promptSet: string,
  opts: {
    version?: number;
    includeDemo?: boolean;
    includePartial?: boolean;
    ranking?: RankingOptions;
    defaultEvaluatorId?: string;
    source?: RunSourceFilter;
  } = {},
): Leaderboard {
  const db = getDb();
  const set = findPromptSetOrThrow(db, promptSet, opts.version);
  const includeDemo = opts.includeDemo !== false;
  const first = getRankedBoard(set.id, {
    includeDemo,
    includePartial: opts.includePartial,
    source: opts.source,
    ranking: opts.ranking,
    defaultEvaluatorId: opts.defaultEvaluatorId,
  });
  const evaluatorBoards: Leaderboard["evaluators"] = [];
  for (const { runs: _count, ...summary } of [...first.evaluators].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  )) {
    // The board's runs come from the same query as the ranking's (board-inputs.ts loadBoardRuns).
    const rows = loadBoardRuns(db, { promptSetId: set.id, evaluatorId: summary.id, includeDemo, source: opts.source });
    if (rows.length === 0) continue;
    const ranked =
      summary.id === first.evaluator?.id
        ? first
        : getRankedBoard(set.id, {
            evaluatorId: summary.id,
            includeDemo,
            includePartial: opts.includePartial,
            source: opts.source,
            ranking: opts.ranking,
          });
    const ranking = {
      methodVersion: ranked.methodVersion,
      updating: ranked.updating,
      diversity: ranked.ranking?.diversity ?? null,
      window: ranked.ranking?.window ?? null,
      significance: ranked.ranking?.significance ?? null,
      power: ranked.ranking?.power ?? null,
      rows: rankingRows(ranked),
      pairs: ranked.ranking?.pairs ?? [],
    };
    const byVariant = new Map<string, LeaderboardVariant>();
    for (const { score, run } of rows) {
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
      let v = byVariant.get(run.variantId);
      if (!v) {
        const info = ranked.variants[run.variantId]!;
        v = {
          variant: {
            id: info.id,
            name: info.name,
            conditioningType: info.conditioningType,
            model: info.model,
            isDemo: info.isDemo,
          },
          best: entry,
          runs: [],
        };
        byVariant.set(run.variantId, v);
      }
      v.runs.push(entry);
    }
    const variantList = [...byVariant.values()];
    for (const v of variantList) {
      v.runs.sort(byClipScore);
      v.best = v.runs[0]!;
    }
    // The ranking's order; variants it does not rank follow, best CLIPScore first.
    const position = new Map(ranking.rows.filter((r) => r.position !== null).map((r) => [r.variantId, r.position!]));
    const pos = (v: LeaderboardVariant) => position.get(v.variant.id) ?? Infinity;
    variantList.sort((a, b) => pos(a) - pos(b) || byClipScore(a.best, b.best));
    evaluatorBoards.push({ evaluator: summary, fixture: summary.isFixture, ranking, variants: variantList });
  }
  // Real evaluators before fixtures, so a random-weight board is never the first thing shown.
  const installed = (b: (typeof evaluatorBoards)[number]) => Number(b.evaluator.id !== opts.defaultEvaluatorId);
  evaluatorBoards.sort((a, b) => installed(a) - installed(b) || Number(a.fixture) - Number(b.fixture));
  return {
    promptSet: { id: set.id, name: set.name, version: set.version, isImplicit: set.isImplicit },
    metrics: metricLabels(),
    evaluators: evaluatorBoards,
  };
}
