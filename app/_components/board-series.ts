// Ranking curves → chart series (shared by the leaderboard, variant and compare pages).
import { cache } from "react";
import type { CurvePoint, FrontPoint } from "@/lib/ranking";
import { variantStyleOrder } from "@/lib/variants/variant-style-order";
import type { ChartPoint, ChartSeries } from "./tradeoff-chart";

function point(p: CurvePoint): ChartPoint | null {
  if (p.diversity === null || p.clipScore === null) return null;
  return {
    runId: p.runId,
    guidanceScale: p.guidanceScale,
    diversity: p.diversity,
    clipScore: p.clipScore,
    diversityCi: p.ci.diversity ? [p.ci.diversity.low, p.ci.diversity.high] : undefined,
    clipScoreCi: p.ci.clipScore ? [p.ci.clipScore.low, p.ci.clipScore.high] : undefined,
  };
}

/** Read once per request: every variant's creation rank, which fixes its colour and marker. */
const styleOrder = cache(variantStyleOrder);

export function toSeries(name: string, curve: CurvePoint[], front: FrontPoint[]): ChartSeries {
  return {
    name,
    styleIndex: styleOrder().get(name),
    points: curve.map(point).filter((p): p is ChartPoint => p !== null),
    front: front.map((f) => ({ runId: f.runId, guidanceScale: f.guidanceScale, diversity: f.diversity, clipScore: f.clipScore })),
  };
}
