// The numbers behind every plot, as rows for the "download data" links (CSV and JSON).
import type { CurvePoint } from "../ranking";
import type { RankedBoard } from "./get-ranked-board";

/** The variant's place in the board's ranking, repeated on each of its rows. */
export type PlotRanking = {
  rank: number | null;
  score: number | null;
  diversityLevel: number | null;
  methodVersion: string;
};

export type PlotRow = {
  evaluator: string;
  evaluatorIsFixture: boolean;
  promptSet: string;
  variant: string;
  conditioningType: string;
  runId: string;
  guidanceScale: number;
  diversity: number | null;
  diversityLow: number | null;
  diversityHigh: number | null;
  clipScore: number | null;
  clipScoreLow: number | null;
  clipScoreHigh: number | null;
  /** Index of the fitted curve point the run was pooled into (lib/ranking/monotone-curve.ts). */
  fittedPoint: number | null;
  isDemo: boolean;
} & PlotRanking;

/** The board's ranking as plotRows' `ranking` argument. */
export function boardPlotRanking(
  board: Pick<RankedBoard, "ranking" | "methodVersion">,
): (variantId: string) => PlotRanking {
  const r = board.ranking;
  return (variantId) => {
    const v = r?.ranked.find((x) => x.variantId === variantId);
    return {
      rank: v?.rank ?? null,
      score: v?.score ?? null,
      diversityLevel: r?.diversity?.value ?? null,
      methodVersion: board.methodVersion,
    };
  };
}

/** Every run of every variant in the board (optionally only some variants), in curve order. */
export function plotRows(
  board: Pick<RankedBoard, "evaluator" | "promptSet" | "variants" | "runs">,
  curves: { variantId: string; curve: CurvePoint[] }[],
  ranking: (variantId: string) => PlotRanking,
): PlotRow[] {
  const demo = new Map(board.runs.map((r) => [r.runId, r.isDemo]));
  return curves.flatMap(({ variantId, curve }) =>
    curve.map((p) => ({
      evaluator: board.evaluator?.id ?? "",
      evaluatorIsFixture: board.evaluator?.isFixture ?? false,
      promptSet: `${board.promptSet.name} v${board.promptSet.version}`,
      variant: board.variants[variantId]?.name ?? variantId,
      conditioningType: board.variants[variantId]?.conditioningType ?? "",
      runId: p.runId,
      guidanceScale: p.guidanceScale,
      diversity: p.diversity,
      diversityLow: p.ci.diversity?.low ?? null,
      diversityHigh: p.ci.diversity?.high ?? null,
      clipScore: p.clipScore,
      clipScoreLow: p.ci.clipScore?.low ?? null,
      clipScoreHigh: p.ci.clipScore?.high ?? null,
      fittedPoint: p.fittedPoint,
      isDemo: demo.get(p.runId) ?? false,
      ...ranking(variantId),
    })),
  );
}
