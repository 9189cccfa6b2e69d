// Input and output shapes of the ranking. Outputs are plain JSON (no typed arrays,
// no NaN/Infinity): undefined values are null, so pages and the API can send them as is.
import type { LevelSource, RankingSettings } from "./settings";

export type PromptId = number | string;

/** One prompt's statistics in one run, as stored in prompt_scores. */
export interface PromptStat {
  promptId: PromptId;
  /** Scored images of the prompt (those with a cosine). */
  n: number;
  /** Sum of the raw image–prompt cosines of those n images. */
  cosSum: number;
  /**
   * Sum of their squares, when stored (runs scored since method v3): gives the within-prompt
   * variance of the images, the sample-noise part of the power calculator. Optional.
   */
  cosSqSum?: number | null;
  /** Pairwise diversity of the prompt's samples; null with fewer than 2. */
  diversity: number | null;
}

export interface RankingRun {
  runId: string;
  guidanceScale: number;
  /**
   * Which trained copy of the variant made the run (a training seed or checkpoint label). Runs
   * with the same label form one replicate's curve; runs without a label form one replicate.
   */
  replicate?: string | null;
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

/**
 * Interval of a score or a difference at the level (method v3, inference.ts): estimate ± t_ν ·
 * SE, where SE² = the prompt part (bootstrap variance over prompts × G/(G − 1)) + the model part
 * (between-replicate variance / replicates), ν the Welch–Satterthwaite degrees of freedom.
 * Under the v2 rules (`method: "percentile"`) low/high are bootstrap percentiles.
 */
export interface LevelInterval {
  low: number;
  high: number;
  level: number;
  method: "t" | "percentile";
  /** Standard error; null when fewer than 2 resamples had a value. */
  se: number | null;
  /** Prompt part of SE² (bootstrap variance over prompts × G/(G − 1)). */
  promptVariance: number | null;
  /** Model part of SE² (replicates); 0 with a single replicate (then model-level variance is unknown). */
  modelVariance: number;
  /** Degrees of freedom of the t quantile. */
  df: number | null;
  B: number;
  seed: number;
  /** Resamples with a value, of B; the rest were dropped (a run had no point: no drawn prompt with 2 images). */
  resamples: number;
  dropped: number;
  /**
   * Resamples in which a curve (of a replicate whose full-sample curve spans the level) no longer
   * spanned it and was read on the straight extension of its end segment.
   */
  beyondSpan: number;
  /** resamples ≥ RELIABLE_RESAMPLE_SHARE · B. */
  reliable: boolean;
  /** The bounds were clamped to the metric's range [0, 100] (scores only, never differences). */
  clamped: boolean;
}

/** A difference A − B at the level, paired over the shared prompts. */
export interface PairedDifference {
  estimate: number;
  /** null when fewer than 2 resamples had both values. */
  ci: LevelInterval | null;
  /** Two-sided, unadjusted; null when it can't be computed (fewer than 2 resamples with both values). */
  pValue: number | null;
  /** Resamples with both values: the ones the CI and p-value rest on. */
  resamples: number;
  /** resamples ≥ RELIABLE_RESAMPLE_SHARE · B. */
  reliable: boolean;
  /**
   * Minimum detectable difference: the true |A − B| this design detects with POWER_TARGET
   * probability in a two-sided test at the significance level, (t_{1−α/2,ν} + t_{power,ν}) · SE.
   */
  mde: number | null;
}

/** One run of a variant's curve (every run, sorted by guidance scale). */
export interface CurvePoint extends RunPoint {
  runId: string;
  guidanceScale: number;
  replicate: string | null;
  vendi: number | null;
  /** Index into its replicate's fitted points of the block this run was pooled into; null if the run has no point. */
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

/** The diversity range a curve was observed over: its least and most diverse fitted points. */
export interface ObservedRange {
  low: number;
  high: number;
}

/** One replicate (trained copy) of a variant: its own curve and its score at the level. */
export interface ReplicateSummary {
  /** The runs' replicate label; null for runs without one. */
  label: string | null;
  runIds: string[];
  fitted: FittedPoint[];
  /** null when it has no run with a point. */
  range: ObservedRange | null;
  /** Its curve's fidelity at the level; null when the variant is not scored. */
  score: number | null;
}

/** Where the level lies relative to a variant's observed range; null inside it. */
export type OutOfRange = "below" | "above" | null;

/** What the replicates say about model-level variance. */
export interface ReplicateVariance {
  replicates: number;
  /** False with a single replicate: "model-level variance unknown". */
  known: boolean;
  /** SD of the replicates' scores at the level (includes their sample noise); null with one replicate. */
  scoreSd: number | null;
  /** Between-replicate (model) SD, with the sample noise the replicates' scores carry taken out; null with one. */
  modelSd: number | null;
  /** √(prompt part of SE²): the prompt-level standard error. */
  promptSe: number | null;
}

/** A variant scored at the comparison level. */
export interface ScoredVariant extends SecondaryColumns {
  variantId: string;
  /** Fidelity at the diversity level: the mean over its replicates of each curve's CLIPScore there. */
  score: number;
  /**
   * True when the level lies below the variant's observed range: the score is its least diverse
   * point's CLIPScore (reached at diversity `scoredAt` > level), a conservative value, stated.
   */
  extended: boolean;
  /** Diversity at which the score is read: max(level, least diverse fitted point). */
  scoredAt: number;
  /** Where the variant's curves are all observed (intersection over replicates). */
  range: ObservedRange;
  /** "below" when extended; never "above" for a scored variant. */
  outOfRange: OutOfRange;
  ci: LevelInterval | null;
  replicateVariance: ReplicateVariance;
  replicates: ReplicateSummary[];
  curve: CurvePoint[];
  /** The fitted curve of its single replicate; with several, the fit over all its runs (for the plot only). */
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
  range: ObservedRange | null;
  /** "above" when the level lies above its observed range (below_level). */
  outOfRange: OutOfRange;
  replicates: ReplicateSummary[];
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
  /** Adjusted p < significance, unless significance is withheld (too few prompts). */
  significant: boolean;
  /** Variance components of this difference (power calculator). */
  components: VarianceComponents | null;
  /** Which side has a run dominating every run of the other, if any. */
  dominant: "a" | "b" | null;
}

/** The diversity level fidelity is compared at. */
export interface DiversityLevel {
  value: number;
  /** True when the reader gave no level and a default rule chose it. */
  isDefault: boolean;
  source: LevelSource;
  /** How it was chosen, in words the page shows. */
  rule: string;
  /** True when the level moves if variants are added or removed (source "common-reach" or "pair"). */
  dependsOnVariants: boolean;
}

/** Whether significance is called at this prompt count (MIN_CALIBRATED_PROMPTS). */
export interface SignificanceStatus {
  calibrated: boolean;
  /** Why no pair is called significant; null when calibrated. */
  withheld: string | null;
  minPrompts: number;
}

/**
 * Variance components of a pair difference, per prompt and per replicate, for the power
 * calculator (power.ts): Var(A − B) at G prompts, n samples per prompt, R replicates per variant ≈
 * prompt/G + sample/(n·R·G) + model/R.
 */
export interface VarianceComponents {
  /** Per-prompt variance of the difference beyond image sampling. */
  prompt: number;
  /** Per-prompt variance of one image's contribution (× n·R gives the per-prompt sampling part); null when the runs store no cosSqSum. */
  sample: number | null;
  /** Between-replicate variance of the difference (both sides); null when a side has a single replicate. */
  model: number | null;
}

/** The design of the board and what it can detect. */
export interface BoardPower {
  /** Target power of the MDEs (POWER_TARGET). */
  power: number;
  alpha: number;
  prompts: number;
  /** Median images per prompt over the scored runs. */
  samplesPerPrompt: number;
  /** Fewest and most replicates of a scored variant. */
  replicates: { min: number; max: number };
  /** Median MDE over the pairs (a single test at alpha); null without pairs. */
  mde: number | null;
  /** Median MDE at alpha / m, the threshold of Holm's first step over the m pairs. */
  mdeHolm: number | null;
  /** Medians over the pairs; null without pairs. */
  components: VarianceComponents | null;
}

export interface Ranking {
  methodVersion: string;
  /** null when no variant has a scored run. */
  diversity: DiversityLevel | null;
  /** The diversity range where every listed curve (every replicate) is observed; null when they share none. */
  window: ObservedRange | null;
  /** Highest diversity some variant's curve reaches: levels above it rank nobody. */
  maxLevel: number | null;
  significance: SignificanceStatus;
  power: BoardPower;
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
  /** Sums of squared cosines; NaN where not stored. */
  cosSqSum: Float64Array;
}

export interface PreparedRun {
  runId: string;
  guidanceScale: number;
  replicate: string | null;
  vendi: number | null;
  variant: number;
  arrays: RunPromptArrays;
}

export interface PreparedVariant {
  variantId: string;
  /** Indices into `runs`, by guidance scale then run id. */
  runs: number[];
  /** The runs grouped by replicate label (null last), each by guidance scale then run id. */
  replicates: { label: string | null; runs: number[] }[];
}

export interface PreparedInput {
  promptIds: PromptId[];
  runs: PreparedRun[];
  variants: PreparedVariant[];
}
