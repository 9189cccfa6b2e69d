// The "About the ranking" text, built from the same constants the code runs with
// (settings.ts), so the page and the numbers cannot disagree. The page renders
// `rankingMethodDoc` (structured) or `RANKING_METHOD` (markdown).
import { CLIP_SCORE_LABEL } from "../metrics/clip-score";
import { DIVERSITY_LABEL } from "../metrics/pairwise-diversity";
import { DEFAULT_LEVEL_RULE } from "./rank-variants";
import {
  HYPERVOLUME_REFERENCE,
  MAX_RANKING_B,
  METHOD_VERSION,
  RANKING_DEFAULTS,
  RELIABLE_RESAMPLE_SHARE,
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
  };
  sections: MethodSection[];
}

const { B, level, seed, significance } = RANKING_DEFAULTS;
const ref = HYPERVOLUME_REFERENCE;
const pct = (x: number) => `${Math.round(x * 100)}%`;
// Printed rounded: (1 − 0.95)/2 is 0.025000000000000022 in floating point.
const tail = (x: number) => String(+x.toFixed(6));

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
  },
  sections: [
    {
      id: "points",
      heading: "What is compared",
      paragraphs: [
        `This is method version ${METHOD_VERSION}; every ranking, export and API answer names the version it was computed with.`,
        "Variants are ranked within one prompt set and one evaluator; scores from different evaluators are never ranked together. Every run of every variant must be scored on the same prompts.",
        `Each run is a point (diversity, CLIP score). CLIP score: ${CLIP_SCORE_LABEL}, over all scored images of the run. Diversity: ${DIVERSITY_LABEL}, averaged over the prompts with at least 2 images. Higher is better on both axes; raising guidance usually buys CLIP score with diversity, so variants are compared at the same diversity.`,
      ],
    },
    {
      id: "curve",
      heading: "The curve",
      paragraphs: [
        "A variant's runs are taken in order of increasing guidance scale. Diversity is fitted to fall as guidance rises: neighbouring runs whose diversities are out of that order (or equal) are pooled into one point, the mean of their diversities and CLIP scores (the pool-adjacent-violators algorithm). Every run counts; none is dropped for being dominated.",
        "Between the fitted points, CLIP score is interpolated as a function of diversity by a cubic blend of the two quadratics through the neighbouring points (Catmull–Rom style; with two points, a straight line). The interpolation is a weighted average of the fitted points, so adding runs does not raise a variant's expected score the way a maximum over noisy runs would.",
      ],
    },
    {
      id: "score",
      heading: "Score: fidelity at a diversity level",
      paragraphs: [
        "A variant's score is its curve's CLIP score at one diversity level, the same for every variant on the board. You can set the level (the diversity box above the table, or the diversity URL parameter, 0–2).",
        `By default the level is ${DEFAULT_LEVEL_RULE}: the lowest, over the variants, of each curve's most diverse fitted point, so every variant with a scored run is ranked. A variant whose curve does not reach a level you set is listed as not ranked, with the diversity it reaches.`,
        "A variant whose fitted points are all more diverse than the level is scored with its least diverse point's CLIP score and marked as extended: it reaches that fidelity with more diversity than asked, so the value is conservative. A single-run variant is thus ranked whenever its run is at least as diverse as the level.",
      ],
    },
    {
      id: "uncertainty",
      heading: "Uncertainty",
      paragraphs: [
        `Intervals come from a paired percentile bootstrap over prompts: B = ${B} resamples of the prompt set with replacement, seed ${seed}, ${pct(level)} level (the ${tail((1 - level) / 2)} and ${tail(1 - (1 - level) / 2)} quantiles of the resampled values, interpolated linearly between order statistics). Every run of every variant is recomputed on the same resampled prompts and every curve is fitted again; the level stays where it is.`,
        `A resample in which one of a variant's runs has no point (no drawn prompt with a scored image, or with 2 images for diversity) is dropped for that variant. Every interval and p-value states the resamples it rests on; one resting on fewer than ${pct(RELIABLE_RESAMPLE_SHARE)} of the B resamples is marked unreliable.`,
        `Up to ${MAX_RANKING_B} resamples may be requested; the same seed and data always give the same intervals. A variant's score and interval depend only on its own runs, the prompts, the level and the seed: adding or removing another variant changes neither.`,
      ],
    },
    {
      id: "ranks",
      heading: "Ranks and the pairwise matrix",
      paragraphs: [
        "Every pair of ranked variants is tested: the two-sided bootstrap p-value of their score difference is p = min(1, 2·f), where f is the share of resamples (with both scored) in which the difference is 0 or has the opposite sign to the observed one; an observed difference of exactly 0 gives p = 1.",
        `The p-values of all pairs are corrected together by Holm's method, which keeps the chance of any false call at ${significance} or less. A variant's rank is 1 + the number of variants significantly better than it (adjusted p < ${significance}). Ties do not chain: two variants share a rank only by what their own tests say, so a variant tied with a tie of the leader can still rank below the leader. The rank bound shows the worst rank the tests allow: the number of ranked variants minus those significantly worse.`,
        "Dominance is respected: if one run of a variant is at least as diverse and at least as faithful as every run of another variant (better in one), that variant is never counted as worse than, nor ranked below, the one it dominates, whatever the interpolation says.",
        "The matrix shows each pair's difference with its interval, the resamples it rests on and the adjusted p-value.",
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
      heading: "Head to head",
      paragraphs: [
        "Two variants are compared at a level you set, or by default: at a single-run variant's own diversity when the other curve spans it; else at the middle of the diversity range both curves span; else at the highest diversity both reach. At the board's level the difference is exactly the pair's cell of the matrix (same resamples), without the Holm correction, since it is one test.",
        "Per prompt, a variant's score is the same weighted average of that prompt's CLIP scores in its runs that gives the variant's score (a prompt's CLIP score is clamped at 0 after its own mean). A prompt with no scored image in a run that carries weight is left out. The win rate is the share of prompts on which A's per-prompt score is higher than B's, with equal scores counted as half a win.",
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
