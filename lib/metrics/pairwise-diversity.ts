// Pairwise diversity of the images generated for one prompt.
//
// Formula: D = 1 − (2 / (n(n−1))) · Σ_{i<j} cos(e_i, e_j)   (1 − mean pairwise cosine)
// Inputs:  the n image embeddings of one prompt (L2-normalised, equal dimension).
// Output:  { value: number } with value in [0, n/(n−1)] ⊆ [0, 2]: 0 when all images
//          are identical, 1 when they are mutually orthogonal, 2 only for two
//          opposite vectors. Higher means more diverse. For n < 2 the metric is
//          undefined: { value: null, reason: "needs at least 2 samples, got 1" }.
// Run level: `meanDiversity` averages over groups, skipping the undefined ones and
//          reporting how many it skipped.
// Computation: Σ_{i<j} e_i·e_j = (‖Σ_i e_i‖² − n) / 2 for unit vectors, so a group
//          costs O(n·d) instead of O(n²·d); the result is clamped to its range
//          because only round-off can leave it.
// Reference: mean pairwise CLIP similarity, the common automatic stand-in for the
//          human diversity judgements in Ramesh et al. 2022 (unCLIP, arXiv 2204.06125).
//
// Example (3 vectors in 2-D): e1 = (1, 0), e2 = (0, 1), e3 = (0.6, 0.8)
//   cos12 = 0, cos13 = 0.6, cos23 = 0.8; Σ = 1.4; mean = 1.4/3 ≈ 0.4667
//   D = 1 − 0.4667 ≈ 0.5333
import { unitRows, type EmbeddingCheckOptions, type Embedding } from "./validate";
import type { EmbeddingMetric } from "./registry";

export const DIVERSITY_LABEL =
  "Pairwise diversity (1 − mean pairwise cosine of CLIP image embeddings, 0–2: 0 identical, 1 orthogonal)";

export type DiversityResult = { value: number; reason?: undefined } | { value: null; reason: string };

export interface MeanDiversity {
  /** Mean over groups with a defined diversity; null when there is none. */
  value: number | null;
  /** Groups that entered the mean. */
  groups: number;
  /** Groups skipped because their diversity is undefined (n < 2). */
  skipped: number;
  reason?: string;
}

export function pairwiseDiversity(
  embeddings: readonly Embedding[],
  options: EmbeddingCheckOptions = {},
): DiversityResult {
  const n = embeddings.length;
  if (n < 2) {
    // Still validate a lone vector so bad input is reported, not hidden behind null.
    if (n === 1) unitRows(embeddings, options);
    return { value: null, reason: `needs at least 2 samples, got ${n}` };
  }
  const { rows, dim } = unitRows(embeddings, options);
  const sum = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) sum[k] += r[k]!;
  let sq = 0;
  for (let k = 0; k < dim; k++) sq += sum[k]! * sum[k]!;
  const meanCos = (sq - n) / (n * (n - 1));
  const value = Math.min(Math.max(1 - meanCos, 0), n / (n - 1));
  return { value };
}

export function meanDiversity(results: readonly DiversityResult[]): MeanDiversity {
  let sum = 0;
  let groups = 0;
  for (const r of results) {
    if (r.value !== null) {
      sum += r.value;
      groups++;
    }
  }
  const skipped = results.length - groups;
  if (groups === 0) {
    return {
      value: null,
      groups,
      skipped,
      reason: `no group has at least 2 samples (${skipped} group${skipped === 1 ? "" : "s"} skipped)`,
    };
  }
  return { value: sum / groups, groups, skipped };
}

export const diversityMetric: EmbeddingMetric = {
  name: "diversity",
  version: 1,
  higherIsBetter: true,
  range: [0, 2],
  label: DIVERSITY_LABEL,
  description:
    "Per prompt, 1 minus the mean cosine between all pairs of its image embeddings; run level is the mean over prompts with at least 2 images.",
  reference: "Mean pairwise CLIP similarity; cf. Ramesh et al. 2022 (arXiv 2204.06125) on diversity evaluation",
  input: "embeddings",
  compute: (group) => pairwiseDiversity(group).value,
};
