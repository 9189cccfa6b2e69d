// The rules that changed between method v2 and v3, as data, so the property suite can run the
// same code under either set once and show that its checks catch v2's faults (the v3 issue's
// "Done when"). Only V3_RULES is shipped: the options schema does not expose a choice.
import { NEIGHBOUR_GAP_RATIO } from "./monotone-curve";
import { MIN_CALIBRATED_PROMPTS } from "./settings";

export interface RankingRules {
  name: "v2" | "v3";
  /**
   * "t": estimate ± t_ν · SE with SE² = G/(G − 1) · bootstrap variance (+ the replicates' model
   * part), p from t_ν. "percentile": the bootstrap's percentile interval and p = min(1, 2·f).
   */
  inference: "t" | "percentile";
  /**
   * A resampled curve that no longer spans the level: "extend" reads it on the straight line of
   * its end segment and counts the resample; "flat" holds it at the end point (v2, uncounted).
   */
  beyondSpan: "extend" | "flat";
  /**
   * "hierarchical": one curve per replicate, the variant's score their mean, the replicates'
   * variance in the interval. "pool": every run of a variant on one curve (v2 had no replicates).
   */
  replicates: "hierarchical" | "pool";
  /**
   * Take the bootstrap's double count of the interpolation weights' movement out of the prompt
   * part (inference.ts). Only meaningful with inference "t".
   */
  weightCorrection: boolean;
  /** The interpolation's taper of close neighbours (monotone-curve.ts); 0 = none (v2). */
  neighbourGapRatio: number;
  /** Significance is called only from this many prompts on (v2: 1, i.e. always). */
  minPrompts: number;
}

export const V3_RULES: RankingRules = {
  name: "v3",
  inference: "t",
  beyondSpan: "extend",
  replicates: "hierarchical",
  weightCorrection: true,
  neighbourGapRatio: NEIGHBOUR_GAP_RATIO,
  minPrompts: MIN_CALIBRATED_PROMPTS,
};

/** Method v2's rules, for the property suite's one comparison; never shipped. */
export const V2_RULES: RankingRules = {
  name: "v2",
  inference: "percentile",
  beyondSpan: "flat",
  replicates: "pool",
  weightCorrection: false,
  neighbourGapRatio: 0,
  minPrompts: 1,
};
