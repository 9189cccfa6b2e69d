// Two runs at equal guidance, compared paired over their shared prompts (and so their shared
// seeds): the difference of their CLIPScores and of their diversities, with the same t
// inference as the ranking (inference.ts) on one bootstrap over prompts drawn for both runs.
// This is what "higher at guidance g" means on the variant page, the prompt view and the toy
// experiment document, instead of reading the overlap of two marginal CIs (which is both too
// conservative when the runs share prompt difficulty and not a test at all).
import { pairedDifference, type VariantSamples } from "./inference";
import { prepareInput } from "./prepare-input";
import { resampleRuns } from "./resample";
import { significanceStatus } from "./rank-variants";
import { V3_RULES } from "./rules";
import { computeRunPoints } from "./run-points";
import { rankingOptionsSchema, type RankingOptions, type RankingSettings } from "./settings";
import type { PairedDifference, RankingRun, SignificanceStatus } from "./types";

export interface RunComparison {
  /** A − B; null where either run has no value on the full sample. */
  clipScore: PairedDifference | null;
  diversity: PairedDifference | null;
  prompts: number;
  significance: SignificanceStatus;
  settings: RankingSettings;
}

function samples(score: number, B: number): VariantSamples {
  return {
    score,
    replicateScores: [score],
    replicates: [new Float64Array(B).fill(NaN)],
    mean: new Float64Array(B).fill(NaN),
    beyond: new Uint8Array(B),
    replicateCorrections: [0],
    sampleVariance: null,
    samplesPerPrompt: 0,
  };
}

/** Runs A and B must list the same prompt ids (any order). */
export function compareRuns(a: RankingRun, b: RankingRun, options: RankingOptions = {}): RunComparison {
  const settings = rankingOptionsSchema.parse(options);
  const input = prepareInput(
    [
      { variantId: "a", runs: [a] },
      { variantId: "b", runs: [b] },
    ],
    { distinctVariants: false },
  );
  const full = computeRunPoints(input);
  const s = {
    clipScore: [samples(full.clipScore[0]!, settings.B), samples(full.clipScore[1]!, settings.B)],
    diversity: [samples(full.diversity[0]!, settings.B), samples(full.diversity[1]!, settings.B)],
  };
  resampleRuns(input, settings, (points, k) => {
    for (const m of ["clipScore", "diversity"] as const)
      for (const r of [0, 1]) s[m][r]!.mean[k] = s[m][r]!.replicates[0]![k] = points[m][r]!;
  });
  const ctx = { settings, rules: V3_RULES, prompts: input.promptIds.length };
  const diff = (m: "clipScore" | "diversity"): PairedDifference | null => {
    if (Number.isNaN(full[m][0]!) || Number.isNaN(full[m][1]!)) return null;
    const { components: _c, df: _df, ...d } = pairedDifference(s[m][0]!, s[m][1]!, ctx);
    return d;
  };
  return {
    clipScore: diff("clipScore"),
    diversity: diff("diversity"),
    prompts: input.promptIds.length,
    significance: significanceStatus(input.promptIds.length, V3_RULES),
    settings,
  };
}
