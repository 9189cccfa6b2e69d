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

/** Percentile bootstrap interval; `dropped` resamples had no value and are left out. */
export interface BootstrapInterval {
  low: number;
  high: number;
  level: number;
  B: number;
  seed: number;
  dropped: number;
}

/** Paired bootstrap of a difference (A − B, or rank k − rank k+1). */
export interface PairedDifference {
  estimate: number;
  /** null when no resample had both values. */
  ci: BootstrapInterval | null;
  /** Two-sided; null when no resample had both values and the estimate is not 0. */
  pValue: number | null;
}

export interface FrontPoint {
  runId: string;
  guidanceScale: number;
  diversity: number;
  clipScore: number;
}

/** One run of a variant's curve (curves list every run, sorted by guidance scale). */
export interface CurvePoint extends RunPoint {
  runId: string;
  guidanceScale: number;
  vendi: number | null;
  onFront: boolean;
  /** Same resamples as the ranking; null where the point itself is undefined. */
  ci: { diversity: BootstrapInterval | null; clipScore: BootstrapInterval | null };
}

export interface SecondaryColumns {
  /** Max CLIPScore over the variant's runs. */
  bestClipScore: number | null;
  /** Max diversity over the variant's runs. */
  bestDiversity: number | null;
  /** Max run-level Vendi over the runs that report one. */
  bestVendi: number | null;
  /** Area dominated by the front, w.r.t. HYPERVOLUME_REFERENCE (diversity × CLIPScore units). */
  hypervolume: number | null;
  /** Runs given, scored or not. */
  runs: number;
  prompts: number;
}

export interface RankedVariant extends SecondaryColumns {
  variantId: string;
  /** 1-based order by score. */
  position: number;
  /** Position of the first variant of this one's tie group. */
  rank: number;
  /** What the board shows: "2", or "=2" when tied with the variant above. */
  rankLabel: string;
  tiedWithPrevious: boolean;
  /** Fidelity at matched diversity: mean CLIPScore of the front over the common interval. */
  score: number;
  ci: BootstrapInterval | null;
  /** p-value of this score − the next one's; absent on the last variant. */
  pValueVsNext?: number | null;
  differenceVsNext?: PairedDifference;
  front: FrontPoint[];
  curve: CurvePoint[];
}

export type UnrankedReasonCode =
  | "no_runs"
  | "no_scored_runs"
  | "one_run"
  | "single_point_front"
  | "no_common_interval"
  | "outside_interval";

export interface UnrankedVariant extends SecondaryColumns {
  variantId: string;
  reasonCode: UnrankedReasonCode;
  reason: string;
  front: FrontPoint[];
  curve: CurvePoint[];
}

export interface Ranking {
  /** The common diversity interval; null when no variant is ranked. */
  interval: Interval | null;
  ranked: RankedVariant[];
  unranked: UnrankedVariant[];
  prompts: number;
  settings: RankingSettings;
}
