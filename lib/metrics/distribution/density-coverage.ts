// Density and coverage of generated samples against a reference set.
//
// Formula: with NND_k(x_i) the distance from reference point x_i to its k-th nearest reference
//          neighbour (x_i excluded) and B the open ball,
//          density  = (1/(kM)) Σ_j Σ_i 1[ y_j ∈ B(x_i, NND_k(x_i)) ]      (generated y_1..y_M)
//          coverage = (1/N) Σ_i 1[ ∃ j: y_j ∈ B(x_i, NND_k(x_i)) ]        (reference x_1..x_N)
// Defaults: k = 5, Euclidean distance on the evaluator's embeddings, strict <.
// Output:  density ≥ 0 (1 on average when both sets come from one distribution; can exceed 1),
//          coverage in [0, 1]; both higher is better. Unlike precision/recall they use only the
//          reference manifold, so a few generated outliers cannot inflate them.
// Reference: Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative Models",
//          ICML 2020, arXiv 2002.09797; clovaai/generative-evaluation-prdc `compute_prdc`.
//
// Example (d = 1, k = 1): reference {0, 1, 10}, generated {0.5, 20}.
//   balls: B(0,1), B(1,1), B(10,9). 0.5 lies in 2 balls, 20 in none:
//   density = (2 + 0)/(1·2) = 1;  coverage: B(0,1) and B(1,1) hold a generated point, B(10,9) not: 2/3.
import type { CrossSetStats } from "./neighbour-passes";

export const DENSITY_COVERAGE_VERSION = 1;
export const DENSITY_COVERAGE_K = 5;

/** Density and coverage from a cross-set pass; `referenceRadiiSq` are the reference k-NN radii (squared). */
export function densityCoverageFromStats(
  cross: CrossSetStats,
  referenceRadiiSq: Float64Array,
  k: number,
): { density: number; coverage: number } {
  const inside = cross.insideReferenceCount.get(k);
  if (!inside) throw new Error(`the cross-set pass was run without reference radii for k = ${k}`);
  let total = 0;
  for (const c of inside) total += c;
  let covered = 0;
  for (let i = 0; i < referenceRadiiSq.length; i++) if (cross.nearestGeneratedSq[i]! < referenceRadiiSq[i]!) covered++;
  return { density: total / (k * inside.length), coverage: covered / referenceRadiiSq.length };
}
