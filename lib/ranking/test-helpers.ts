// Synthetic runs for the ranking tests (not part of the public API). A run is built
// to land exactly on a chosen (diversity, CLIPScore) point: per-prompt deviations
// come in ± pairs, so they cancel in the full-sample means but still move resamples.
import { uniform } from "../metrics/test-helpers";
import type { RankingRun, RankingVariant } from "./types";

export interface SyntheticRunOptions {
  prompts?: number;
  /** Images per prompt. */
  n?: number;
  /** Spread of the per-prompt deviations, in CLIPScore points (diversity gets spread/200). */
  noise?: number;
  seed?: number;
  vendi?: number | null;
}

export function syntheticRun(runId: string, guidanceScale: number, diversity: number, clipScore: number, o: SyntheticRunOptions = {}): RankingRun {
  const P = o.prompts ?? 40;
  const n = o.n ?? 4;
  const noise = o.noise ?? 0;
  if (P % 2 !== 0) throw new Error("prompts must be even so the ± deviations cancel");
  const u = uniform(o.seed ?? 1);
  const prompts: RankingRun["prompts"][number][] = [];
  for (let k = 0; k < P; k += 2) {
    const dc = noise * (u() - 0.5) * 2;
    const dd = (noise / 200) * (u() - 0.5) * 2;
    for (const sign of [1, -1]) {
      prompts.push({ promptId: k + (sign === 1 ? 1 : 2), n, cosSum: (n * (clipScore + sign * dc)) / 100, diversity: diversity + sign * dd });
    }
  }
  return { runId, guidanceScale, vendi: o.vendi ?? null, prompts };
}

/** A variant whose runs sit on the given (diversity, CLIPScore) points, guidance scales 1, 2, 3, ... */
export function syntheticVariant(variantId: string, points: readonly (readonly [number, number])[], o: SyntheticRunOptions = {}): RankingVariant {
  return {
    variantId,
    runs: points.map(([d, c], i) => syntheticRun(`${variantId}-${i + 1}`, i + 1, d, c, { ...o, seed: (o.seed ?? 1) * 1000 + i })),
  };
}
