// The "About the ranking" text, built from the same constants the code runs with
// (settings.ts), so the page and the numbers cannot disagree. The page renders
// `rankingMethodDoc` (structured) or `RANKING_METHOD` (markdown).
import { CLIP_SCORE_LABEL } from "../metrics/clip-score";
import { DIVERSITY_LABEL } from "../metrics/pairwise-diversity";
import { HYPERVOLUME_REFERENCE, MAX_RANKING_B, RANKING_DEFAULTS } from "./settings";

export interface MethodSection {
  id: string;
  heading: string;
  paragraphs: string[];
}

export interface MethodDoc {
  title: string;
  constants: {
    B: number;
    level: number;
    seed: number;
    significance: number;
    maxB: number;
    hypervolumeReference: { diversity: number; clipScore: number };
  };
  sections: MethodSection[];
}

const { B, level, seed, significance } = RANKING_DEFAULTS;
const ref = HYPERVOLUME_REFERENCE;
const pct = `${Math.round(level * 100)}%`;
// Printed rounded: (1 − 0.95)/2 is 0.025000000000000022 in floating point.
const tail = (x: number) => String(+x.toFixed(6));

export const rankingMethodDoc: MethodDoc = {
  title: "About the ranking",
  constants: { B, level, seed, significance, maxB: MAX_RANKING_B, hypervolumeReference: { ...ref } },
  sections: [
    {
      id: "points",
      heading: "What is compared",
      paragraphs: [
        "Variants are ranked within one prompt set and one evaluator; scores from different evaluators are never ranked together. Every run of every variant must be scored on the same prompts.",
        `Each run is a point (diversity, CLIP score). CLIP score: ${CLIP_SCORE_LABEL}, over all scored images of the run. Diversity: ${DIVERSITY_LABEL}, averaged over the prompts with at least 2 images. Higher is better on both axes.`,
      ],
    },
    {
      id: "front",
      heading: "The front",
      paragraphs: [
        "A variant's front is the set of its runs that no other run of the same variant dominates (another run at least as diverse and at least as faithful, and better in one of the two), sorted by diversity. Of runs with exactly the same point, the one with the lowest guidance scale is kept.",
        "The curve is the straight-line (piecewise-linear) interpolation of CLIP score as a function of diversity through the front's points; it exists only between the front's lowest and highest diversity.",
      ],
    },
    {
      id: "score",
      heading: "Score: fidelity at matched diversity",
      paragraphs: [
        "A variant's score is the mean CLIP score of its curve over the common diversity interval [lo, hi]: the area under the curve between lo and hi divided by hi − lo. If lo equals hi, it is the curve's value at that diversity. Every ranked variant is scored over the same interval, so the score compares fidelity at the same diversity rather than rewarding a variant for sampling a low-diversity, high-fidelity guidance scale.",
      ],
    },
    {
      id: "interval",
      heading: "The common interval",
      paragraphs: [
        "Only variants whose front has at least 2 points take part: one run (or one non-dominated run) is a point, not a curve, and needs runs at 2 or more guidance scales.",
        "Among those, the ranking takes the largest group of variants whose fronts all reach one diversity, and the common interval is the overlap of their fronts' diversity ranges. If two groups are equally large, the one with the wider interval is taken, then the one at lower diversity. Variants outside that group are listed as unranked, with their front's range and the interval.",
        "If 2 or more variants take part but no two fronts overlap, there is no common interval and no variant is ranked. A variant that is the only one with a front is ranked alone over its own range.",
      ],
    },
    {
      id: "columns",
      heading: "Other columns",
      paragraphs: [
        "Best CLIP score, best diversity and best Vendi score are the maxima over the variant's runs (each may come from a different run).",
        `Hypervolume is the area of the region of the (diversity, CLIP score) plane that the front dominates, measured from the reference point (${ref.diversity}, ${ref.clipScore}): diversity ${ref.diversity} (identical images) and CLIP score ${ref.clipScore} (its floor), so every run counts and the area is never negative. Unlike the score, it grows with the range of guidance scales that was run.`,
      ],
    },
    {
      id: "uncertainty",
      heading: "Uncertainty",
      paragraphs: [
        `Intervals come from a paired percentile bootstrap over prompts: B = ${B} resamples of the prompt set with replacement, seed ${seed}, ${pct} level (the ${tail((1 - level) / 2)} and ${tail(1 - (1 - level) / 2)} quantiles of the resampled values, interpolated linearly between order statistics). Every run of every variant is recomputed on the same resampled prompts, and each resample repeats every step above: run points, fronts, the common interval and the scores. A resample in which a variant is not ranked (its front collapses, or the interval changes so that it is left out) does not count for that variant; the number left out is shown as "dropped". The run points on the curves carry intervals from the same resamples; a run's CLIP score (diversity) is left out of a resample only if no drawn prompt has a scored image (2 images).`,
        `Up to ${MAX_RANKING_B} resamples may be requested; the same seed and data always give the same intervals.`,
      ],
    },
    {
      id: "ties",
      heading: "Ties",
      paragraphs: [
        `For each pair of neighbours in the ranking (rank k and k + 1) a two-sided bootstrap p-value tests their score difference: p = min(1, 2·f), where f is the share of resamples (with both ranked) in which the difference is 0 or has the opposite sign to the observed one; an observed difference of exactly 0 gives p = 1. With B = ${B}, p = 0 means p < 1/${B}.`,
        `A variant is tied with the one above it if p ≥ ${significance}; it is then shown with the same rank, marked "=", e.g. "=2". Ties chain: if the third is tied with the second and the second with the first, all three have rank 1 ("1", "=1", "=1"), even if the first and third differ significantly; the next variant not tied with the one above it shows its position, e.g. "1", "=1", "3". A pair with no resample in which both are ranked is shown as tied.`,
      ],
    },
    {
      id: "head-to-head",
      heading: "Head to head",
      paragraphs: [
        "Two variants are compared over the overlap of their two fronts' diversity ranges (both need a front of at least 2 points). The difference of their scores carries a paired-bootstrap interval and p-value, as above.",
        "Per prompt, a variant's score is the same weighted average of that prompt's CLIP scores in the front runs that gives the variant's score (the weights are those of the area under the curve over the interval; a prompt's CLIP score is clamped at 0 after its own mean). A prompt with no scored image in a run that carries weight is left out. The win rate is the share of prompts on which A's per-prompt score is higher than B's, with equal scores counted as half a win.",
      ],
    },
  ],
};

export function renderMethodMarkdown(doc: MethodDoc): string {
  return [`# ${doc.title}`, ...doc.sections.map((s) => [`## ${s.heading}`, ...s.paragraphs].join("\n\n"))].join("\n\n") + "\n";
}

export const RANKING_METHOD = renderMethodMarkdown(rankingMethodDoc);
