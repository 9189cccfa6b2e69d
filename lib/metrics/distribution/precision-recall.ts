// Improved precision and recall of generated samples against a reference set.
//
// Formula: the manifold of a set S is ∪_{s ∈ S} B(s, NND_k(s)), where NND_k(s) is the distance
//          from s to its k-th nearest neighbour in S (s itself excluded) and B is the open ball.
//          precision = (1/M) Σ_j 1[ y_j ∈ manifold(reference) ]   (generated y_1..y_M)
//          recall    = (1/N) Σ_i 1[ x_i ∈ manifold(generated) ]   (reference x_1..x_N)
// Defaults: k = 3, Euclidean distance on the evaluator's embeddings; a point on a ball's boundary
//          is outside (strict <), as clovaai/generative-evaluation-prdc compares.
// Output:  both in [0, 1], higher is better. Precision: how much of the generated set looks like the
//          reference (fidelity); recall: how much of the reference variety the generated set covers.
// Reference: Kynkäänniemi et al., "Improved Precision and Recall Metric for Assessing Generative
//          Models", NeurIPS 2019, arXiv 1904.06991; prdc's `compute_prdc`.
//
// Example (d = 1, k = 1): reference {0, 1, 10}, generated {0.5, 20}.
//   reference radii: 0→1, 1→1, 10→9; 0.5 is inside B(0,1) and B(1,1); 20 is inside none
//   (|20−10| = 10 ≥ 9): precision = 1/2.
//   generated radii: 0.5→19.5, 20→19.5; every reference point is within 19.5 of 0.5: recall = 1.
import type { CrossSetStats } from "./neighbour-passes";

export const PRECISION_RECALL_VERSION = 1;
export const PRECISION_RECALL_K = 3;

/** Precision and recall from a cross-set pass run with reference and generated radii for `k`. */
export function precisionRecallFromStats(cross: CrossSetStats, k: number): { precision: number; recall: number } {
  const inside = cross.insideReferenceCount.get(k);
  const covered = cross.referenceInsideGenerated.get(k);
  if (!inside || !covered) throw new Error(`the cross-set pass was run without radii for k = ${k}`);
  let p = 0;
  for (const c of inside) if (c > 0) p++;
  let r = 0;
  for (const c of covered) r += c;
  return { precision: p / inside.length, recall: r / covered.length };
}
