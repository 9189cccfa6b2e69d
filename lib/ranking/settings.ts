// The constants and options of the ranking, in one place: the code reads them from
// here and method-doc.ts renders them into the "About the ranking" text, so the page
// cannot state a B, level, threshold or rule the code does not use.
import { z } from "zod";
import { DEFAULT_BOOTSTRAP_B, DEFAULT_BOOTSTRAP_LEVEL, DEFAULT_BOOTSTRAP_SEED } from "../metrics/bootstrap";

/**
 * Version of the ranking method. Every stored or exported ranking names it; bump it
 * whenever a rule changes what a number means. v1: Pareto fronts over a common interval
 * chosen by which variants are present; v2: guidance-ordered monotone curves at a
 * diversity level the reader sets, all-pairs Holm-corrected tests.
 */
export const METHOD_VERSION = "2";

/** Family-wise error rate of the Holm-corrected pairwise tests behind the ranks. */
export const RANKING_SIGNIFICANCE = 0.05;

/** A CI or p-value resting on fewer than this share of the B resamples is marked unreliable. */
export const RELIABLE_RESAMPLE_SHARE = 0.95;

/**
 * Hypervolume reference point: the worst value of each axis (diversity 0 means
 * identical images, CLIPScore is clamped at 0), so every run dominates it and the
 * area is never negative.
 */
export const HYPERVOLUME_REFERENCE = { diversity: 0, clipScore: 0 } as const;

/** Upper bound on B, so a request cannot ask for minutes of work. */
export const MAX_RANKING_B = 10_000;

/** The bootstrap defaults are the run page's (lib/metrics/bootstrap.ts), so both read alike. */
export const RANKING_DEFAULTS = {
  B: DEFAULT_BOOTSTRAP_B,
  level: DEFAULT_BOOTSTRAP_LEVEL,
  seed: DEFAULT_BOOTSTRAP_SEED,
  significance: RANKING_SIGNIFICANCE,
} as const;

/** Pairwise diversity lies in [0, 2] (lib/metrics/pairwise-diversity.ts). */
export const diversityLevelSchema = z.number().min(0).max(2);

export const rankingOptionsSchema = z.strictObject({
  /** Bootstrap resamples. */
  B: z.number().int().min(1).max(MAX_RANKING_B).default(RANKING_DEFAULTS.B),
  /** Coverage of the percentile intervals. */
  level: z.number().gt(0).lt(1).default(RANKING_DEFAULTS.level),
  /** Unsigned 32-bit seed of the resampling. */
  seed: z.number().int().min(0).max(0xffffffff).default(RANKING_DEFAULTS.seed),
  /** Family-wise error rate of the Holm-corrected pairwise tests. */
  significance: z.number().gt(0).lt(1).default(RANKING_DEFAULTS.significance),
  /**
   * Diversity level at which fidelity is compared; omitted = the default level
   * (the highest diversity every variant's curve reaches, see rank-variants.ts).
   */
  diversity: diversityLevelSchema.optional(),
});

export type RankingOptions = z.input<typeof rankingOptionsSchema>;
/** The options actually used, echoed in every result. */
export type RankingSettings = z.output<typeof rankingOptionsSchema>;
