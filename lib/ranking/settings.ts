// The constants and options of the ranking, in one place: the code reads them from
// here and method-doc.ts renders them into the "About the ranking" text, so the page
// cannot state a B, level, threshold or rule the code does not use.
import { z } from "zod";
import { DEFAULT_BOOTSTRAP_B, DEFAULT_BOOTSTRAP_LEVEL, DEFAULT_BOOTSTRAP_SEED } from "../metrics/bootstrap";

/**
 * Version of the ranking method. Every stored or exported ranking names it; bump it
 * whenever a rule changes what a number means. v1: Pareto fronts over a common interval
 * chosen by which variants are present; v2: guidance-ordered monotone curves at a
 * diversity level the reader sets, all-pairs Holm-corrected tests, percentile bootstrap;
 * v3: a default level that belongs to the prompt set, t intervals on bootstrap standard
 * errors with the G/(G − 1) correction, replicates, power.
 */
export const METHOD_VERSION = "3";

/** Family-wise error rate of the Holm-corrected pairwise tests behind the ranks. */
export const RANKING_SIGNIFICANCE = 0.05;

/** A CI or p-value resting on fewer than this share of the B resamples is marked unreliable. */
export const RELIABLE_RESAMPLE_SHARE = 0.95;

/**
 * Fewest prompts at which significance is called. The method's error rates are checked by
 * seeded simulations at 8, 16 and 50 prompts (properties.test.ts); below 8 nothing is
 * calibrated, so no pair is called significantly different (CIs are still shown, marked).
 */
export const MIN_CALIBRATED_PROMPTS = 8;

/** Power at which the minimum detectable difference (MDE) is stated. */
export const POWER_TARGET = 0.8;

/** Range of the score's metric (CLIPScore, torchmetrics convention): score intervals are clamped to it. */
export const SCORE_RANGE = { low: 0, high: 100 } as const;

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

/**
 * Which rule chose the level: the reader's; one of the prompt set's default rules (chosen by the
 * caller, lib/leaderboard/board-level.ts): the reference set's per-prompt diversity, an admin's
 * level, or the level frozen when the board was first ranked; the head-to-head's pair rules; or,
 * when the caller gave no level at all, the highest diversity every curve reaches, which depends
 * on the variants present (flagged).
 */
export const LEVEL_SOURCES = ["reader", "reference-set", "admin", "frozen", "pair", "common-reach"] as const;
export type LevelSource = (typeof LEVEL_SOURCES)[number];

/** Pairwise diversity lies in [0, 2] (lib/metrics/pairwise-diversity.ts). */
export const diversityLevelSchema = z.number().min(0).max(2);

/** The prompt set's default level, chosen by the caller (lib/leaderboard/board-level.ts), never from the variants. */
export const defaultLevelSchema = z.strictObject({
  value: diversityLevelSchema,
  source: z.enum(LEVEL_SOURCES),
  /** In words, for the page. */
  rule: z.string().min(1),
});
export type DefaultLevel = z.infer<typeof defaultLevelSchema>;

export const rankingOptionsSchema = z.strictObject({
  /** Bootstrap resamples. */
  B: z.number().int().min(2).max(MAX_RANKING_B).default(RANKING_DEFAULTS.B),
  /** Coverage of the intervals. */
  level: z.number().gt(0).lt(1).default(RANKING_DEFAULTS.level),
  /** Unsigned 32-bit seed of the resampling. */
  seed: z.number().int().min(0).max(0xffffffff).default(RANKING_DEFAULTS.seed),
  /** Family-wise error rate of the Holm-corrected pairwise tests. */
  significance: z.number().gt(0).lt(1).default(RANKING_DEFAULTS.significance),
  /** Diversity level the reader set; it overrides the default level. */
  diversity: diversityLevelSchema.optional(),
  /**
   * The prompt set's default level (used when `diversity` is not given). Without it the level is
   * the highest diversity every curve reaches, which depends on the variants (flagged).
   */
  defaultLevel: defaultLevelSchema.optional(),
});

export type RankingOptions = z.input<typeof rankingOptionsSchema>;
/** The options actually used, echoed in every result. */
export type RankingSettings = z.output<typeof rankingOptionsSchema>;
