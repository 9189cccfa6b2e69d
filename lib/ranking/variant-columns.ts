// What the board shows for one variant besides its score: the runs and fitted curve as
// JSON, and the secondary columns (best CLIPScore, best diversity, best Vendi,
// hypervolume, counts), all from the full-sample points.
import type { VariantCurve, VariantCurves } from "./fit-variants";
import { hypervolume, paretoFront } from "./pareto-front";
import type { PreparedInput } from "./types";
import type { RunPoints } from "./run-points";
import type { BootstrapInterval, CurvePoint, FittedPoint, SecondaryColumns } from "./types";

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

export interface RunIntervals {
  diversity: (BootstrapInterval | null)[];
  clipScore: (BootstrapInterval | null)[];
}

export function fittedPoints(input: PreparedInput, curve: VariantCurve): FittedPoint[] {
  return curve.blocks.map((b) => ({
    diversity: b.diversity,
    clipScore: b.clipScore,
    runIds: curve.runs.slice(b.first, b.last + 1).map((r) => input.runs[r]!.runId),
  }));
}

export function curvePoints(
  input: PreparedInput,
  v: number,
  points: RunPoints,
  curves: VariantCurves,
  runCis: RunIntervals,
): CurvePoint[] {
  // With one replicate, the index into its fitted points; with several, into the pooled fit the plot draws.
  const shown = curves.replicates.length === 1 ? curves.replicates[0]! : curves.pooled;
  const block = new Map<number, number>();
  shown.blocks.forEach((b, k) => {
    for (let i = b.first; i <= b.last; i++) block.set(shown.runs[i]!, k);
  });
  return input.variants[v]!.runs.map((r) => {
    const run = input.runs[r]!;
    const diversity = orNull(points.diversity[r]!);
    const clipScore = orNull(points.clipScore[r]!);
    return {
      runId: run.runId,
      guidanceScale: run.guidanceScale,
      replicate: run.replicate,
      diversity,
      clipScore,
      vendi: run.vendi,
      fittedPoint: block.get(r) ?? null,
      ci: {
        diversity: diversity === null ? null : runCis.diversity[r]!,
        clipScore: clipScore === null ? null : runCis.clipScore[r]!,
      },
    };
  });
}

function maxOrNull(values: number[]): number | null {
  const defined = values.filter((x) => !Number.isNaN(x));
  return defined.length === 0 ? null : Math.max(...defined);
}

export function secondaryColumns(input: PreparedInput, v: number, points: RunPoints): SecondaryColumns {
  const runs = input.variants[v]!.runs;
  const plane = runs.map((r) => ({ diversity: points.diversity[r]!, clipScore: points.clipScore[r]! }));
  const front = paretoFront(plane).map((k) => plane[k]!);
  return {
    bestClipScore: maxOrNull(runs.map((r) => points.clipScore[r]!)),
    bestDiversity: maxOrNull(runs.map((r) => points.diversity[r]!)),
    bestVendi: maxOrNull(runs.map((r) => input.runs[r]!.vendi ?? NaN)),
    hypervolume: front.length === 0 ? null : hypervolume(front),
    runs: runs.length,
    prompts: input.promptIds.length,
  };
}
