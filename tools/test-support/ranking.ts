// Synthetic runs for the ranking tests (not part of the public API). A run is built
// to land exactly on a chosen (diversity, CLIPScore) point: per-prompt deviations
// come in ± pairs, so they cancel in the full-sample means but still move resamples.
import { gaussian, uniform } from "./metrics";
import type { RankingRun, RankingVariant } from "../../lib/ranking/types";

export interface SyntheticRunOptions {
  prompts?: number;
  /** Images per prompt. */
  n?: number;
  /** Spread of the per-prompt deviations, in CLIPScore points (diversity gets spread/200). */
  noise?: number;
  seed?: number;
  vendi?: number | null;
}

export function syntheticRun(
  runId: string,
  guidanceScale: number,
  diversity: number,
  clipScore: number,
  o: SyntheticRunOptions = {},
): RankingRun {
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
      prompts.push({
        promptId: k + (sign === 1 ? 1 : 2),
        n,
        cosSum: (n * (clipScore + sign * dc)) / 100,
        diversity: diversity + sign * dd,
      });
    }
  }
  return { runId, guidanceScale, vendi: o.vendi ?? null, prompts };
}

/**
 * A variant whose runs sit on the given (diversity, CLIPScore) points. Guidance scales
 * 1, 2, 3, ... go by decreasing diversity (more guidance, less diversity), unless given.
 */
export function syntheticVariant(
  variantId: string,
  points: readonly (readonly [number, number])[],
  o: SyntheticRunOptions & { guidanceScales?: readonly number[] } = {},
): RankingVariant {
  const byDiversity = points.map((_, i) => i).sort((i, j) => points[j]![0] - points[i]![0] || i - j);
  const guidance = o.guidanceScales ?? points.map((_, i) => byDiversity.indexOf(i) + 1);
  return {
    variantId,
    runs: points.map(([d, c], i) =>
      syntheticRun(`${variantId}-${i + 1}`, guidance[i]!, d, c, { ...o, seed: (o.seed ?? 1) * 1000 + i }),
    ),
  };
}

/**
 * The simulation model of the property tests: a guidance sweep along a known true curve,
 *   diversity(g) = 0.25 + 0.35·e^(−g/5),   CLIPScore(g) = 20 + 12·(1 − e^(−g/4)) + shift,
 * observed on P prompts with a shared per-prompt effect (prompt difficulty, identical for
 * every variant, as on a real prompt set) plus independent per-(run, prompt) noise.
 */
export const TRUE_CURVE = {
  diversity: (g: number) => 0.25 + 0.35 * Math.exp(-g / 5),
  clipScore: (g: number) => 20 + 12 * (1 - Math.exp(-g / 4)),
};

export interface SimulatedPrompts {
  /** Per-prompt CLIPScore effect (points) and diversity effect. */
  clip: Float64Array;
  diversity: Float64Array;
}

export interface SimulationNoise {
  /** Sd of the shared per-prompt effects: CLIPScore points, diversity units. */
  promptClip: number;
  promptDiversity: number;
  /** Sd of the per-(run, prompt) noise. */
  runClip: number;
  runDiversity: number;
}

export const SIMULATION_NOISE: SimulationNoise = {
  promptClip: 3,
  promptDiversity: 0.05,
  runClip: 2,
  runDiversity: 0.03,
};

export function simulatedPrompts(
  P: number,
  u: () => number,
  noise: SimulationNoise = SIMULATION_NOISE,
): SimulatedPrompts {
  return {
    clip: Float64Array.from({ length: P }, () => noise.promptClip * gaussian(u)),
    diversity: Float64Array.from({ length: P }, () => noise.promptDiversity * gaussian(u)),
  };
}

/**
 * A variant on the true curve (CLIPScore + shift) at the given guidance scales; 4 images per
 * prompt. With `replicates` > 1 it holds that many trained copies (runs labelled r1, r2, …), each
 * shifted by its own model effect ~ N(0, modelSd²) in CLIPScore: the true score of the variant
 * (the recipe) is the curve + shift, the copies scatter around it.
 */
export function simulatedVariant(
  variantId: string,
  guidanceScales: readonly number[],
  prompts: SimulatedPrompts,
  u: () => number,
  o: { shift?: number; noise?: SimulationNoise; replicates?: number; modelSd?: number } = {},
): RankingVariant {
  const noise = o.noise ?? SIMULATION_NOISE;
  const n = 4;
  const R = o.replicates ?? 1;
  const runs: RankingVariant["runs"][number][] = [];
  for (let k = 0; k < R; k++) {
    const model = (o.modelSd ?? 0) * gaussian(u);
    guidanceScales.forEach((g, i) => {
      runs.push({
        runId: R > 1 ? `${variantId}-r${k + 1}-${i + 1}` : `${variantId}-${i + 1}`,
        guidanceScale: g,
        ...(R > 1 ? { replicate: `r${k + 1}` } : {}),
        prompts: Array.from(prompts.clip, (pc, p) => {
          const clip = TRUE_CURVE.clipScore(g) + (o.shift ?? 0) + model + pc + noise.runClip * gaussian(u);
          const div = TRUE_CURVE.diversity(g) + prompts.diversity[p]! + noise.runDiversity * gaussian(u);
          return { promptId: p, n, cosSum: (n * clip) / 100, diversity: Math.min(2, Math.max(0, div)) };
        }),
      });
    });
  }
  return { variantId, runs };
}

/** The true score of a simulated variant at a diversity level: the true curve there, + shift. */
export function trueScoreAt(level: number, shift = 0): number {
  // diversity(g) = 0.25 + 0.35·e^(−g/5) → g = −5·ln((level − 0.25)/0.35)
  const g = -5 * Math.log((level - 0.25) / 0.35);
  return TRUE_CURVE.clipScore(g) + shift;
}
