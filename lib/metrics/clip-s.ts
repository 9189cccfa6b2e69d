// CLIP-S, Hessel et al. 2021.
//
// Formula: per sample   CLIP-S_i = w · max(cos(e_i, t_i), 0)   (clamp PER SAMPLE)
//          aggregate    CLIP-S = (1/N) Σ_i CLIP-S_i
// Inputs:  N >= 1 raw cosines in [-1, 1] (see cosine.ts; round-off up to 1e-3 beyond ±1
//          is clamped, anything further is rejected); weight w > 0.
// Output:  a number in [0, w] = [0, 2.5] by default; higher is better.
// Defaults: w = 2.5 (the paper's choice; it only rescales, to spread the values).
// Reference: Hessel et al., "CLIPScore: A Reference-free Evaluation Metric for Image
//          Captioning", EMNLP 2021, arXiv 2104.08718; jmhessel/clipscore
//          (`w * np.clip(cos, 0, None)`, then the mean).
//
// Example (cosines 0.3, −0.1):
//   per sample: 2.5·0.3 = 0.75, 2.5·max(−0.1, 0) = 0;  CLIP-S = (0.75 + 0)/2 = 0.375
//   (torchmetrics CLIPScore on the same cosines is max((30 − 10)/2, 0) = 10.)
import { MetricInputError } from "./errors";
import { checkCosine, checkCosines, clampCosine } from "./validate";
import type { CosineMetric } from "./registry";

export const CLIP_S_WEIGHT = 2.5;
export const CLIP_S_LABEL = "CLIP-S (Hessel et al. 2021, w=2.5, 0–2.5, clamp per sample)";

export interface ClipSOptions {
  /** Rescaling weight w (default 2.5). */
  w?: number;
}

export function clipSSample(cos: number, options: ClipSOptions = {}): number {
  checkCosine(cos);
  return weight(options) * Math.max(clampCosine(cos), 0);
}

export function clipS(cosines: ArrayLike<number>, options: ClipSOptions = {}): number {
  const w = weight(options);
  checkCosines(cosines);
  let sum = 0;
  for (let i = 0; i < cosines.length; i++) sum += Math.max(clampCosine(cosines[i]!), 0);
  return (w * sum) / cosines.length;
}

function weight(options: ClipSOptions): number {
  const w = options.w ?? CLIP_S_WEIGHT;
  if (!Number.isFinite(w) || w <= 0)
    throw new MetricInputError("bad_argument", `w must be a finite number > 0, got ${w}`);
  return w;
}

export const clipSMetric: CosineMetric = {
  name: "clipS",
  version: 1,
  higherIsBetter: true,
  range: [0, CLIP_S_WEIGHT],
  label: CLIP_S_LABEL,
  description: "Mean over samples of 2.5·max(cos(image, prompt), 0); negative cosines count as 0.",
  reference: "Hessel et al. 2021, arXiv 2104.08718; jmhessel/clipscore",
  input: "cosines",
  compute: (cosines) => clipS(cosines),
};
