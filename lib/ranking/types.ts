// Input and output shapes of the ranking. Outputs are plain JSON (no typed arrays,
// no NaN/Infinity): undefined values are null, so pages and the API can send them as is.
import type { RankingSettings } from "./settings";

export type PromptId = number | string;

/** One prompt's statistics in one run, as stored in prompt_scores. */
export interface PromptStat {
  promptId: PromptId;
  /** Scored images of the prompt (those with a cosine). */
  n: number;
  /** Sum of the raw image–prompt cosines of those n images. */
  cosSum: number;
  /** Pairwise diversity of the prompt's samples; null with fewer than 2. */
  diversity: number | null;
}

export interface RankingRun {
  runId: string;
  guidanceScale: number;
  /** Run-level Vendi score, if known (only feeds the "best Vendi" column). */
  vendi?: number | null;
  /** Every run of every variant must list the same prompt ids (any order). */
  prompts: readonly PromptStat[];
}

/** One variant's scored runs, for one prompt set and one evaluator. */
export interface RankingVariant {
  variantId: string;
  runs: readonly RankingRun[];
}

/** A run's position on the trade-off plot; either coordinate is null where undefined. */
export interface RunPoint {
  diversity: number | null;
  clipScore: number | null;
}

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * Percentile bootstrap interval. `resamples` of the B resamples had a value and
 * `dropped` did not; `reliable` is false when resamples < RELIABLE_RESAMPLE_SHARE · B.
 */
export interface BootstrapInterval {
  low: number;
  high: number;
  level: number;
  B: number;
  seed: number;
  resamples: number;
  dropped: number;
  reliable: boolean;
}

/** Paired bootstrap of a difference A − B on the same resampled prompts. */
export interface PairedDifference {
  estimate: number;
  /** null when no resample had both values. */
  ci: BootstrapInterval | null;
  /** Two-sided, unadjusted; null when no resample had both values and the estimate is not 0. */
  pValue: number | null;
  /** Resamples with both values: the ones the CI and p-value rest on. */
  resamples: number;
  /** resamples ≥ RELIABLE_RESAMPLE_SHARE · B. */
  reliable: boolean;
}

/** One run of a variant's curve (every run, sorted by guidance scale). */
export interface CurvePoint extends RunPoint {
  runId: string;
  guidanceScale: number;
  vendi: number | null;
  /** Index into the variant's `fitted` points of the block this run was pooled into; null if the run has no point. */
  fittedPoint: number | null;
  /** Same resamples as the ranking; null where the point itself is undefined. */
  ci: { diversity: BootstrapInterval | null; clipScore: BootstrapInterval | null };
}

/** A point of the fitted (monotone, guidance-ordered) curve: the mean of the pooled runs. */
export interface FittedPoint {
  diversity: number;
  clipScore: number;
  runIds: string[];
}

export interface SecondaryColumns {
  /** Max CLIPScore over the variant's runs. */
  bestClipScore: number | null;
  /** Max diversity over the variant's runs. */
  bestDiversity: number | null;
  /** Max run-level Vendi over the runs that report one. */
  bestVendi: number | null;
  /** Area dominated by the variant's Pareto front, w.r.t. HYPERVOLUME_REFERENCE (diversity × CLIPScore units). */
  hypervolume: number | null;
  /** Runs given, scored or not. */
  runs: number;
  prompts: number;
}

/** A variant scored at the comparison level. */
export interface ScoredVariant extends SecondaryColumns {
  variantId: string;
  /** Fidelity at the diversity level: the fitted curve's CLIPScore there. */
  score: number;
  /**
   * True when every fitted point is more diverse than the level: the score is the least
   * diverse point's CLIPScore (reached at diversity `scoredAt` > level), a conservative value.
   */
  extended: boolean;
  /** Diversity at which the score is read: max(level, least diverse fitted point). */
  scoredAt: number;
  ci: BootstrapInterval | null;
  curve: CurvePoint[];
  fitted: FittedPoint[];
}

export interface RankedVariant extends ScoredVariant {
  /** 1-based order: by rank, then score. */
  position: number;
  /** 1 + the number of variants significantly better (Holm), dominance respected. */
  rank: number;
  /** Worst rank the tests allow: ranked variants − the number significantly worse. */
  rankWorst: number;
  /** Variants this one is significantly better / worse than (after Holm). */
  significantlyBetterThan: number;
  significantlyWorseThan: number;
  /** Variants with a run that this variant's best run dominates entirely (every run of theirs). */
  dominates: string[];
}

export type UnrankedReasonCode = "no_runs" | "no_scored_runs" | "below_level";

export interface UnrankedVariant extends SecondaryColumns {
  variantId: string;
  reasonCode: UnrankedReasonCode;
  reason: string;
  curve: CurvePoint[];
  fitted: FittedPoint[];
}

/** One cell of the pairwise matrix: A − B at the diversity level. */
export interface PairComparison {
  a: string;
  b: string;
  difference: PairedDifference;
  /** Holm-adjusted p-value over all pairs of the ranking (1 where the raw p is null). */
  pAdjusted: number;
  significant: boolean;
  /** Which side has a run dominating every run of the other, if any. */
  dominant: "a" | "b" | null;
}

/** The diversity level fidelity is compared at. */
export interface DiversityLevel {
  value: number;
  /** True when the caller gave no level and the default rule chose it. */
  isDefault: boolean;
  /** How it was chosen, in words the page shows. */
  rule: string;
}

export interface Ranking {
  methodVersion: string;
  /** null when no variant has a scored run. */
  diversity: DiversityLevel | null;
  /** Highest diversity some variant's curve reaches: levels above it rank nobody. */
  maxLevel: number | null;
  ranked: RankedVariant[];
  unranked: UnrankedVariant[];
  /** Every pair of ranked variants (in position order: a above b). */
  pairs: PairComparison[];
  prompts: number;
  settings: RankingSettings;
}

/** One run's per-prompt columns, aligned on the ranking's prompt order. */
export interface RunPromptArrays {
  cosSum: Float64Array;
  n: Float64Array;
  /** Diversity, 0 where undefined (then hasDiversity is 0). */
  diversity: Float64Array;
  hasDiversity: Float64Array;
}

export interface PreparedRun {
  runId: string;
  guidanceScale: number;
  vendi: number | null;
  variant: number;
  arrays: RunPromptArrays;
}

export interface PreparedVariant {
  variantId: string;
  /** Indices into `runs`, by guidance scale then run id. */
  runs: number[];
}

export interface PreparedInput {
  promptIds: PromptId[];
  runs: PreparedRun[];
  variants: PreparedVariant[];
}
