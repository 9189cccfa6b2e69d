// The "About the ranking" text, built from the same constants the code runs with
// (settings.ts, monotone-curve.ts, level-rules.ts), so the page and the numbers cannot
// disagree. The page renders `rankingMethodDoc` (structured) or `RANKING_METHOD` (markdown).
import { CLIP_SCORE_LABEL } from "../metrics/clip-score";
import { DIVERSITY_LABEL } from "../metrics/pairwise-diversity";
import { DEFAULT_LEVEL_RULES } from "./level-rules";
import { EXTENSION_CHORD_SHARE, NEIGHBOUR_GAP_RATIO } from "./monotone-curve";
import { COMMON_REACH_RULE } from "./rank-variants";
import {
  HYPERVOLUME_REFERENCE,
  MAX_RANKING_B,
  METHOD_VERSION,
  MIN_CALIBRATED_PROMPTS,
  POWER_TARGET,
  RANKING_DEFAULTS,
  RELIABLE_RESAMPLE_SHARE,
  SCORE_RANGE,
} from "./settings";

export interface MethodSection {
  id: string;
  heading: string;
  paragraphs: string[];
}

export interface MethodDoc {
  title: string;
  constants: {
    methodVersion: string;
    B: number;
    level: number;
    seed: number;
    significance: number;
    reliableShare: number;
    maxB: number;
    hypervolumeReference: { diversity: number; clipScore: number };
    minCalibratedPrompts: number;
    power: number;
    scoreRange: { low: number; high: number };
    neighbourGapRatio: number;
    extensionChordShare: number;
    defaultLevelRules: string[];
  };
  sections: MethodSection[];
}

const { B, level, seed, significance } = RANKING_DEFAULTS;
const ref = HYPERVOLUME_REFERENCE;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export const rankingMethodDoc: MethodDoc = {
  title: "About the ranking",
  constants: {
    methodVersion: METHOD_VERSION,
    B,
    level,
    seed,
    significance,
    reliableShare: RELIABLE_RESAMPLE_SHARE,
    maxB: MAX_RANKING_B,
    hypervolumeReference: { ...ref },
    minCalibratedPrompts: MIN_CALIBRATED_PROMPTS,
    power: POWER_TARGET,
    scoreRange: { ...SCORE_RANGE },
    neighbourGapRatio: NEIGHBOUR_GAP_RATIO,
    extensionChordShare: EXTENSION_CHORD_SHARE,
    defaultLevelRules: DEFAULT_LEVEL_RULES.map((r) => r.source),
  },
  sections: [
    {
      id: "points",
      heading: "What is compared",
      paragraphs: [
        `This is method version ${METHOD_VERSION}; every ranking, export and API answer names the version it was computed with.`,
        "Variants are ranked within one prompt set version and one evaluator; scores from different evaluators are never ranked together. Every run of every variant must be scored on the same prompts.",
        `Each run is a point (diversity, CLIP score). CLIP score: ${CLIP_SCORE_LABEL}, over all scored images of the run. Diversity: ${DIVERSITY_LABEL}, averaged over the prompts with at least 2 images. Higher is better on both axes; raising guidance usually buys CLIP score with diversity, so variants are compared at the same diversity.`,
        "A variant may hold several trained copies of its recipe (replicates: training seeds or checkpoints), each a label on its runs. Each replicate has its own curve; the variant's score is the mean of its replicates' scores, and their spread enters its interval.",
      ],
    },
    {
      id: "curve",
      heading: "The curve",
      paragraphs: [
        "A replicate's runs are taken in order of increasing guidance scale. Diversity is fitted to fall as guidance rises: neighbouring runs whose diversities are out of that order (or equal) are pooled into one point, the mean of their diversities and CLIP scores (the pool-adjacent-violators algorithm). Every run counts; none is dropped for being dominated.",
        `Between the fitted points, CLIP score is interpolated as a function of diversity by a cubic blend of the two quadratics through the neighbouring points (Catmull–Rom style; with two points, a straight line). The interpolation is a weighted average of the fitted points, so adding runs does not raise a variant's expected score the way a maximum over noisy runs would. A neighbouring point closer to the segment than ${NEIGHBOUR_GAP_RATIO} of the segment's width enters its quadratic only in part (the quadratic is blended with the straight line in proportion to that gap), so two nearly coincident points cannot multiply their noise.`,
      ],
    },
    {
      id: "level",
      heading: "The diversity level",
      paragraphs: [
        "A variant's score is its curve's CLIP score at one diversity level, the same for every variant on the board. You can set the level (the diversity box above the table, or the diversity URL parameter, 0–2).",
        `By default the level belongs to the prompt set version and evaluator, not to the variants on the board, so adding or removing a variant never moves it: ${DEFAULT_LEVEL_RULES.map((r, i) => `(${i + 1}) ${r.statement}`).join("; ")}. The board and the API say which rule chose the level.`,
        `Only a ranking computed without any of these (a library call that passes no level) uses ${COMMON_REACH_RULE}; it is flagged as depending on the variants.`,
        "The board shows the window of diversity where every listed curve is observed (from the highest least-diverse point to the lowest most-diverse point). A level outside a variant's observed range is stated for that variant: below it, the variant is scored with its least diverse point's CLIP score and marked as extended (it reaches that fidelity with more diversity than asked: a conservative value); above it, the variant is not ranked, with the diversity it reaches. A curve is never extended upward.",
      ],
    },
    {
      id: "uncertainty",
      heading: "Uncertainty",
      paragraphs: [
        `A bootstrap over prompts draws B = ${B} resamples of the prompt set with replacement (seed ${seed}); every run of every variant is recomputed on the same resampled prompts and every curve is fitted again; the level stays where it is.`,
        `Intervals are ${pct(level)} t intervals: estimate ± t × SE. The prompt part of SE² is the bootstrap variance × G/(G − 1) for G prompts (the bootstrap's variance of a mean is (G − 1)/G of the unbiased one), minus the part the bootstrap counts twice when the level falls between runs: each resample moves the interpolation weights and applies them to the sample's own noise, so the sum over runs of the variance of a run's weight × the variance of its CLIP score's noise is taken out (never more than half). The model part is the replicates' variance (below). t has Welch–Satterthwaite degrees of freedom: G − 1 for the prompt part (combined with B − 1 for its Monte Carlo error), R − 1 for each variant's model part.`,
        `Score intervals are clamped to the metric's range [${SCORE_RANGE.low}, ${SCORE_RANGE.high}] (the CLIP score is clamped after its mean, so the clamped interval covers the clamped value as often); difference intervals are not clamped.`,
        `Resample rules, each counted in the output: a resample in which one of a variant's runs has no point (no drawn prompt with a scored image, or with 2 images for diversity) is dropped for that variant (the interval states the resamples it rests on; one resting on fewer than ${pct(RELIABLE_RESAMPLE_SHARE)} of the B resamples is marked unreliable). A resample in which a curve that spans the level on the full prompt set no longer spans it is read on the straight line from its end point through the nearest fitted point at least ${EXTENSION_CHORD_SHARE} of the curve's diversity span away, and counted as beyond its span. A variant scored below its range (extended) is read at its least diverse point in every resample.`,
        `Up to ${MAX_RANKING_B} resamples may be requested; the same seed and data always give the same intervals. A variant's score and interval depend only on its own runs, the prompts, the level and the seed; at the default level, adding or removing another variant changes neither, nor any raw pairwise p-value.`,
      ],
    },
    {
      id: "replicates",
      heading: "Replicates",
      paragraphs: [
        "With R ≥ 2 replicates, the model part of a variant's SE² is the sample variance of its replicates' scores / R, less the image noise those scores carry that the prompt part already holds (estimated from the replicates' own bootstrap variances), never below 0. The board shows the between-replicate SD beside the prompt-level SE.",
        "With one replicate the model part is 0 and the board says model-level variance unknown: intervals then describe the prompts and images of that one trained copy, not the recipe; a second training seed can differ by more.",
      ],
    },
    {
      id: "ranks",
      heading: "Ranks and the pairwise matrix",
      paragraphs: [
        "Every pair of ranked variants is tested on its paired difference (the same resampled prompts for both): p = 2·P(T ≥ |difference| / SE) for T with the pair's degrees of freedom; an observed difference of exactly 0 gives p = 1.",
        `The p-values of all pairs are corrected together by Holm's method, which keeps the chance of any false call at ${significance} or less. A variant's rank is 1 + the number of variants significantly better than it (adjusted p < ${significance}). Ties do not chain: two variants share a rank only by what their own tests say, so a variant tied with a tie of the leader can still rank below the leader. The rank bound shows the worst rank the tests allow: the number of ranked variants minus those significantly worse. Holm adjusts as a family: adding or removing a variant can change adjusted p-values and so ranks, never a pair's raw p-value at the default level.`,
        `Below ${MIN_CALIBRATED_PROMPTS} prompts no difference is called significant: the error rates are checked by seeded simulations at 8, 16 and 50 prompts, and below ${MIN_CALIBRATED_PROMPTS} nothing is calibrated; the board says so and every variant shares rank 1.`,
        "Dominance is respected: if one run of a variant is at least as diverse and at least as faithful as every run of another variant (better in one), that variant is never counted as worse than, nor ranked below, the one it dominates, whatever the interpolation says.",
      ],
    },
    {
      id: "power",
      heading: "Power: what a tie can say",
      paragraphs: [
        `Each pair states its minimum detectable difference (MDE): the true difference its design would find with ${pct(POWER_TARGET)} power in a two-sided test at ${significance}, (t_{1 − α/2} + t_{${POWER_TARGET}}) × SE / c4 with the pair's degrees of freedom (c4 = E[SE estimate]/SE, 0.96 at 7 degrees of freedom, so the stated MDE is not short on small boards). A tie whose MDE is 5 points says only that the difference is probably below about 5 points. The board states the median MDE over its pairs, and the stricter one at α/m, the threshold of Holm's first step over m pairs.`,
        "The calculator on the board answers how many prompts a target difference needs at a number of samples per prompt and replicates, from the board's own variance components: Var(A − B) ≈ prompt/G + sample/(n·R·G) + model/R, where prompt is the per-prompt variance of the difference beyond image sampling, sample one image's share (from the runs' within-prompt spread of CLIP scores, stored since method 3), and model the two variants' between-replicate variances.",
      ],
    },
    {
      id: "columns",
      heading: "Other columns",
      paragraphs: [
        "Best CLIP score, best diversity and best Vendi score are the maxima over the variant's runs (each may come from a different run).",
        `Hypervolume is the area of the region of the (diversity, CLIP score) plane that the variant's runs dominate, measured from the reference point (${ref.diversity}, ${ref.clipScore}): diversity ${ref.diversity} (identical images) and CLIP score ${ref.clipScore} (its floor). Unlike the score, it grows with the range of guidance scales that was run.`,
      ],
    },
    {
      id: "head-to-head",
      heading: "Head to head and equal guidance",
      paragraphs: [
        "Two or more variants are compared at the level shown: yours, or the board's default level. Every pair is computed at that one level, and a pair whose curves do not both reach it is marked not comparable there. At the board's level a pair's difference is exactly its cell of the matrix (same resamples), without the Holm correction.",
        "Per prompt, a variant's score is the same weighted average of that prompt's CLIP scores in its runs that gives the variant's score (a prompt's CLIP score is clamped at 0 after its own mean). A prompt with no scored image in a run that carries weight is left out. The win rate is the share of prompts on which A's per-prompt score is higher than B's, with equal scores counted as half a win.",
        "Runs at equal guidance are compared by the same paired test over their shared prompts (and so their shared seeds): one bootstrap drawn for both runs, a t interval of the difference; never by whether two separate intervals overlap.",
      ],
    },
  ],
};

export function renderMethodMarkdown(doc: MethodDoc): string {
  return (
    [`# ${doc.title}`, ...doc.sections.map((s) => [`## ${s.heading}`, ...s.paragraphs].join("\n\n"))].join("\n\n") +
    "\n"
  );
}

export const RANKING_METHOD = renderMethodMarkdown(rankingMethodDoc);
