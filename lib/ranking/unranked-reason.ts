// Why a variant is left out of the ranking, in words the board can show as is,
// with a code the page can style by. Checked in the order a reader would ask.
import { frontSpan, type Front, type Pass, type RunPoints } from "./evaluate-fronts";
import type { PreparedInput } from "./prepare-input";
import type { Interval, UnrankedReasonCode } from "./types";

const fmt = (x: number) => x.toFixed(3);
export const formatSpan = (s: Interval) => `${fmt(s.lo)}–${fmt(s.hi)}`;

/** Why variant v is not ranked in `pass` (also used by the head-to-head). */
export function unrankedReason(
  input: PreparedInput,
  v: number,
  points: RunPoints,
  front: Front,
  pass: Pick<Pass, "interval">,
): { reasonCode: UnrankedReasonCode; reason: string } {
  const runs = input.variants[v]!.runs;
  const scored = runs.filter((r) => !Number.isNaN(points.diversity[r]!) && !Number.isNaN(points.clipScore[r]!));
  if (runs.length === 0) return { reasonCode: "no_runs", reason: "no scored runs on this prompt set with this evaluator" };
  if (scored.length === 0) {
    return {
      reasonCode: "no_scored_runs",
      reason: "no run has both a CLIP score and a diversity (diversity needs at least 2 images of a prompt)",
    };
  }
  if (scored.length === 1) {
    return {
      reasonCode: "one_run",
      reason:
        runs.length === 1
          ? "one run only: a curve needs runs at ≥ 2 guidance scales"
          : `only 1 of its ${runs.length} runs has both a CLIP score and a diversity: a curve needs runs at ≥ 2 guidance scales`,
    };
  }
  const s = frontSpan(front)!;
  if (front.runs.length === 1) {
    const run = input.runs[front.runs[0]!]!;
    return {
      reasonCode: "single_point_front",
      reason: `its front is a single point (run ${run.runId}, guidance ${run.guidanceScale}): its other runs are dominated by it or coincide with it, and a curve needs ≥ 2 non-dominated runs`,
    };
  }
  if (pass.interval === null) {
    return {
      reasonCode: "no_common_interval",
      reason: `no diversity is reached by the fronts of 2 variants, so there is no common interval (this front spans diversity ${formatSpan(s)})`,
    };
  }
  const { interval } = pass;
  const disjoint = s.hi < interval.lo || s.lo > interval.hi;
  return {
    reasonCode: "outside_interval",
    reason: `front spans diversity ${formatSpan(s)}, ${disjoint ? "outside" : "which does not cover"} the common interval ${formatSpan(interval)}`,
  };
}
