// Prompt resampling and percentile summaries for the ranking's paired bootstrap.
//
// The draws use the same generator, seeding and draw order as lib/metrics/bootstrap.ts
// (xoroshiro128plus(seed), then uniformInt(0, P − 1) once per prompt), so a run's
// interval here equals the one shown on its own page when the prompts are in the
// same order. A resample is handed over as multiplicities (how often each prompt
// was drawn), which lets every run's point be an O(P) weighted sum.
// Percentiles and the p-value follow lib/metrics/bootstrap.ts: linear interpolation
// between order statistics (type 7), and p = min(1, 2·f) with f the share of
// resampled differences at or beyond 0 on the other side from the observed one
// (p = 1 when the observed difference is exactly 0).
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { quantileSorted } from "../metrics/bootstrap";
import type { PreparedInput } from "./types";
import { clipScoreFromMean } from "../metrics/clip-score";
import type { RunPoints } from "./run-points";
import { RELIABLE_RESAMPLE_SHARE } from "./settings";
import type { BootstrapInterval } from "./types";

export interface ResampleSettings {
  B: number;
  level: number;
  seed: number;
}

/** Calls `visit` B times with how often each of the P prompts was drawn (the array is reused). */
export function forEachPromptResample(
  nPrompts: number,
  B: number,
  seed: number,
  visit: (counts: Float64Array, b: number) => void,
): void {
  const rng = xoroshiro128plus(seed | 0);
  const counts = new Float64Array(nPrompts);
  const last = nPrompts - 1;
  for (let b = 0; b < B; b++) {
    counts.fill(0);
    for (let k = 0; k < nPrompts; k++) counts[uniformInt(rng, 0, last)]++;
    visit(counts, b);
  }
}

/** At least RELIABLE_RESAMPLE_SHARE of the B resamples had a value. */
export const isReliable = (resamples: number, B: number) => resamples >= RELIABLE_RESAMPLE_SHARE * B;

/** Percentile interval of the resampled values; NaN marks a dropped resample. null if all were dropped. */
export function percentileInterval(values: Float64Array, s: ResampleSettings): BootstrapInterval | null {
  // A copy sorted natively (numeric for typed arrays); the filter's callback only when a resample was dropped.
  let dropped = 0;
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k]!)) dropped++;
  const kept = (dropped === 0 ? values.slice() : values.filter((v) => !Number.isNaN(v))).sort();
  if (kept.length === 0) return null;
  const alpha = (1 - s.level) / 2;
  return {
    low: quantileSorted(kept, alpha),
    high: quantileSorted(kept, 1 - alpha),
    level: s.level,
    B: s.B,
    seed: s.seed,
    resamples: kept.length,
    dropped: s.B - kept.length,
    reliable: isReliable(kept.length, s.B),
  };
}

/**
 * Runs the bootstrap over prompts for every run at once: on each resample computes
 * all run points, hands them to `onResample`, and returns each run's percentile
 * intervals for diversity and CLIPScore from those same resamples.
 */
export function resampleRuns(
  input: PreparedInput,
  s: ResampleSettings,
  onResample: (points: RunPoints, b: number) => void,
): { diversity: (BootstrapInterval | null)[]; clipScore: (BootstrapInterval | null)[] } {
  const R = input.runs.length;
  const div = Array.from({ length: R }, () => new Float64Array(s.B));
  const clip = Array.from({ length: R }, () => new Float64Array(s.B));
  const P = input.promptIds.length;
  if (P > 0) {
    // All runs' columns packed run by run, so one resample is a tight loop over the drawn
    // prompts only: the sums of computeRunPoints(input, counts); rank-variants.test.ts checks a
    // run's interval against lib/metrics/bootstrap on the same seed.
    const cos = new Float64Array(R * P);
    const n = new Float64Array(R * P);
    const dv = new Float64Array(R * P);
    const has = new Float64Array(R * P);
    input.runs.forEach((run, r) => {
      cos.set(run.arrays.cosSum, r * P);
      n.set(run.arrays.n, r * P);
      dv.set(run.arrays.diversity, r * P);
      has.set(run.arrays.hasDiversity, r * P);
    });
    // A resample's multiplicities always sum to P, so a run with a diversity for every prompt has
    // h = P and a run with the same n on every prompt has m = n·P: integer sums, exact in
    // floating point, so skipping those two accumulations changes no result.
    const fullHas = new Uint8Array(R);
    const constN = new Float64Array(R).fill(NaN);
    for (let r = 0; r < R; r++) {
      const a = input.runs[r]!.arrays;
      fullHas[r] = a.hasDiversity.every((x) => x === 1) ? 1 : 0;
      if (a.n.every((x) => x === a.n[0])) constN[r] = a.n[0]!;
    }
    const drawn = new Int32Array(P);
    const mult = new Float64Array(P);
    const points: RunPoints = { diversity: new Float64Array(R), clipScore: new Float64Array(R) };
    forEachPromptResample(P, s.B, s.seed, (counts, b) => {
      let k = 0;
      for (let p = 0; p < P; p++) {
        if (counts[p] !== 0) {
          drawn[k] = p;
          mult[k++] = counts[p]!;
        }
      }
      for (let r = 0; r < R; r++) {
        const base = r * P;
        let c = 0;
        let m = 0;
        let d = 0;
        let h = 0;
        if (fullHas[r] === 1 && !Number.isNaN(constN[r]!)) {
          for (let j = 0; j < k; j++) {
            const i = base + drawn[j]!;
            const w = mult[j]!;
            c += w * cos[i]!;
            d += w * dv[i]!;
          }
          m = constN[r]! * P;
          h = P;
        } else {
          for (let j = 0; j < k; j++) {
            const i = base + drawn[j]!;
            const w = mult[j]!;
            c += w * cos[i]!;
            m += w * n[i]!;
            d += w * dv[i]!;
            h += w * has[i]!;
          }
        }
        points.diversity[r] = div[r]![b] = h > 0 ? d / h : NaN;
        points.clipScore[r] = clip[r]![b] = m > 0 ? clipScoreFromMean(c / m) : NaN;
      }
      onResample(points, b);
    });
  }
  return { diversity: div.map((x) => percentileInterval(x, s)), clipScore: clip.map((x) => percentileInterval(x, s)) };
}
