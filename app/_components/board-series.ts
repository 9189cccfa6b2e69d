// Ranking curves → chart series (shared by the leaderboard, variant and compare pages).
import { cache } from "react";
import type { CurvePoint, FittedPoint } from "@/lib/ranking";
import { variantStyleOrder } from "@/lib/variants/variant-style-order";
import type { ChartPoint, ChartSeries } from "./tradeoff-chart";

function point(p: CurvePoint, sourceOf?: (runId: string) => string | undefined): ChartPoint | null {
  if (p.diversity === null || p.clipScore === null) return null;
  return {
    runId: p.runId,
    source: sourceOf?.(p.runId),
    guidanceScale: p.guidanceScale,
    diversity: p.diversity,
    clipScore: p.clipScore,
    diversityCi: p.ci.diversity ? [p.ci.diversity.low, p.ci.diversity.high] : undefined,
    clipScoreCi: p.ci.clipScore ? [p.ci.clipScore.low, p.ci.clipScore.high] : undefined,
  };
}

/** Read once per request: every variant's creation rank, which fixes its colour and marker. */
const styleOrder = cache(variantStyleOrder);

/**
 * A variant's runs as points and its fitted curve (pooled runs named by their first run) as the
 * dashed line. `sourceOf` (a run's source, from the board's runs) keeps uploaded and generated
 * runs on separate lines.
 */
export function toSeries(
  name: string,
  curve: CurvePoint[],
  fitted: FittedPoint[],
  sourceOf?: (runId: string) => string | undefined,
): ChartSeries {
  const guidance = new Map(curve.map((p) => [p.runId, p.guidanceScale]));
  return {
    name,
    styleIndex: styleOrder().get(name),
    points: curve.map((p) => point(p, sourceOf)).filter((p): p is ChartPoint => p !== null),
    front: fitted.map((f) => ({
      runId: f.runIds.join("+"),
      guidanceScale: guidance.get(f.runIds[0]!) ?? NaN,
      diversity: f.diversity,
      clipScore: f.clipScore,
    })),
  };
}
