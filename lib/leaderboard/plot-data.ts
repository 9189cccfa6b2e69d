// The numbers behind every plot, as rows for the "download data" links (CSV and JSON).
import type { CurvePoint } from "../ranking";
import type { RankedBoard } from "./get-ranked-board";

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
  onFront: boolean;
  isDemo: boolean;
};

/** Every run of every variant in the board (optionally only some variants), in curve order. */
export function plotRows(board: Pick<RankedBoard, "evaluator" | "promptSet" | "variants" | "runs">, curves: { variantId: string; curve: CurvePoint[] }[]): PlotRow[] {
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
      onFront: p.onFront,
      isDemo: demo.get(p.runId) ?? false,
    })),
  );
}

export { toCsv } from "../http/csv";
