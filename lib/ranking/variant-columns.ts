// What the board shows for one variant besides its score: the front and curve as
// JSON, and the secondary columns (best CLIPScore, best diversity, best Vendi,
// hypervolume, counts), all from the full-sample points.
import type { Front, RunPoints } from "./evaluate-fronts";
import { hypervolume } from "./pareto-front";
import type { PreparedInput } from "./prepare-input";
import type { BootstrapInterval, CurvePoint, FrontPoint, SecondaryColumns } from "./types";

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

export function frontPoints(input: PreparedInput, front: Front): FrontPoint[] {
  return front.runs.map((r, i) => ({
    runId: input.runs[r]!.runId,
    guidanceScale: input.runs[r]!.guidanceScale,
    diversity: front.diversity[i]!,
    clipScore: front.clipScore[i]!,
  }));
}

export function curvePoints(
  input: PreparedInput,
  v: number,
  points: RunPoints,
  front: Front,
  runCis: { diversity: (BootstrapInterval | null)[]; clipScore: (BootstrapInterval | null)[] },
): CurvePoint[] {
  const onFront = new Set(front.runs);
  return input.variants[v]!.runs.map((r) => {
    const run = input.runs[r]!;
    const diversity = orNull(points.diversity[r]!);
    const clipScore = orNull(points.clipScore[r]!);
    return {
      runId: run.runId,
      guidanceScale: run.guidanceScale,
      diversity,
      clipScore,
      vendi: run.vendi,
      onFront: onFront.has(r),
      ci: { diversity: diversity === null ? null : runCis.diversity[r]!, clipScore: clipScore === null ? null : runCis.clipScore[r]! },
    };
  });
}

function maxOrNull(values: number[]): number | null {
  const defined = values.filter((x) => !Number.isNaN(x));
  return defined.length === 0 ? null : Math.max(...defined);
}

export function secondaryColumns(input: PreparedInput, v: number, points: RunPoints, front: Front): SecondaryColumns {
  const runs = input.variants[v]!.runs;
  return {
    bestClipScore: maxOrNull(runs.map((r) => points.clipScore[r]!)),
    bestDiversity: maxOrNull(runs.map((r) => points.diversity[r]!)),
    bestVendi: maxOrNull(runs.map((r) => input.runs[r]!.vendi ?? NaN)),
    hypervolume: front.runs.length === 0 ? null : hypervolume(front.diversity.map((d, i) => ({ diversity: d, clipScore: front.clipScore[i]! }))),
    runs: runs.length,
    prompts: input.promptIds.length,
  };
}
