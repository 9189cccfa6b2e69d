// CLIPScore, torchmetrics convention.
//
// Formula: per sample   s_i = 100 · cos(e_i, t_i)           (not clamped)
//          aggregate    CLIPScore = max( (1/N) Σ_i s_i , 0 ) (clamp AFTER the mean)
// Inputs:  N >= 1 raw cosines in [-1, 1] (see cosine.ts), one per image–prompt pair;
//          round-off up to 1e-3 beyond ±1 is clamped, anything further is rejected.
// Output:  a number in [0, 100]; higher means images match their prompts better.
// Defaults: scale 100, no weight. torchmetrics' default evaluator is
//          openai/clip-vit-large-patch14; the original paper used ViT-B/32, so
//          numbers are only comparable under the same evaluator model.
// Reference: Lightning-AI/torchmetrics, functional/multimodal/clip_score.py
//          (`score = 100 * cos`, then `max(score.mean(0), 0)`). Compare CLIP-S
//          (clip-s.ts), which clamps each sample before averaging.
//
// Example (cosines 0.3, −0.1):
//   per sample: 30, −10;  mean = 10;  CLIPScore = max(10, 0) = 10
//   (CLIP-S on the same cosines is 2.5 · (0.3 + 0)/2 = 0.375.)
import { checkCosine, checkCosines, clampCosine } from "./validate";
import type { CosineMetric } from "./registry";

export const CLIP_SCORE_LABEL = "CLIPScore (torchmetrics convention, 0–100, clamp after mean)";

/** Per-sample CLIPScore, 100 · cos, without clamping (torchmetrics clamps only the mean). */
export function clipScoreSample(cos: number): number {
  checkCosine(cos);
  return 100 * clampCosine(cos);
}

/** Aggregate CLIPScore: max(mean_i 100·cos_i, 0). */
export function clipScore(cosines: ArrayLike<number>): number {
  checkCosines(cosines);
  let sum = 0;
  for (let i = 0; i < cosines.length; i++) sum += clampCosine(cosines[i]!);
  return clipScoreFromMean(sum / cosines.length);
}

/** The torchmetrics aggregate from an already computed mean cosine (used by the bootstrap). */
export function clipScoreFromMean(meanCosine: number): number {
  return Math.max(100 * meanCosine, 0);
}

export const clipScoreMetric: CosineMetric = {
  name: "clipScore",
  version: 1,
  higherIsBetter: true,
  range: [0, 100],
  label: CLIP_SCORE_LABEL,
  description: "Mean of 100·cos(image, prompt) over all scored samples, clamped at 0 after the mean.",
  reference: "Lightning-AI/torchmetrics functional/multimodal/clip_score.py; Hessel et al. 2021 (arXiv 2104.08718)",
  input: "cosines",
  compute: clipScore,
};
