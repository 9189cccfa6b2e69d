// Ranks conditioning variants of one prompt set and one evaluator by fidelity at
// matched diversity. The rules (front, common interval, score, bootstrap, ties) are
// stated once in method-doc.ts, which the "About the ranking" page renders.
//
// Cost: one resample is O(P · runs) for the run points plus O(runs log runs) for the
// fronts; 4 variants × 5 runs × 500 prompts × B = 1000 takes about 0.1 s on one core,
// most of it drawing the 500 000 prompt indices.
import { computeRunPoints, evaluatePass } from "./evaluate-fronts";
import { prepareInput } from "./prepare-input";
import { pairedDifference, percentileInterval, resampleRuns } from "./resample";
import { rankingOptionsSchema, type RankingOptions } from "./settings";
import type { RankedVariant, Ranking, RankingVariant, UnrankedVariant } from "./types";
import { unrankedReason } from "./unranked-reason";
import { curvePoints, frontPoints, secondaryColumns } from "./variant-columns";

export function rankVariants(variants: readonly RankingVariant[], options: RankingOptions = {}): Ranking {
  const settings = rankingOptionsSchema.parse(options);
  const input = prepareInput(variants);
  const points = computeRunPoints(input);
  const full = evaluatePass(input, points);

  const samples = new Map(full.members.map((v) => [v, new Float64Array(settings.B).fill(NaN)]));
  const runCis = resampleRuns(input, settings, (resampled, b) => {
    const pass = evaluatePass(input, resampled);
    for (const [v, values] of samples) values[b] = pass.scores[v]!;
  });

  const order = [...full.members].sort(
    (a, b) => full.scores[b]! - full.scores[a]! || compareIds(input.variants[a]!.variantId, input.variants[b]!.variantId),
  );
  const ranked: RankedVariant[] = [];
  order.forEach((v, k) => {
    const entry: RankedVariant = {
      variantId: input.variants[v]!.variantId,
      position: k + 1,
      rank: k + 1,
      rankLabel: String(k + 1),
      tiedWithPrevious: false,
      score: full.scores[v]!,
      ci: percentileInterval(samples.get(v)!, settings),
      front: frontPoints(input, full.fronts[v]!),
      curve: curvePoints(input, v, points, full.fronts[v]!, runCis),
      ...secondaryColumns(input, v, points, full.fronts[v]!),
    };
    if (k > 0) {
      const prev = ranked[k - 1]!;
      const d = pairedDifference(prev.score - entry.score, samples.get(order[k - 1]!)!, samples.get(v)!, settings);
      prev.differenceVsNext = d;
      prev.pValueVsNext = d.pValue;
      // No resample with both ranked is no evidence of a difference: shown as a tie.
      entry.tiedWithPrevious = d.pValue === null || d.pValue >= settings.significance;
      if (entry.tiedWithPrevious) {
        entry.rank = prev.rank;
        entry.rankLabel = `=${prev.rank}`;
      }
    }
    ranked.push(entry);
  });

  const unranked: UnrankedVariant[] = [];
  input.variants.forEach((variant, v) => {
    if (full.members.includes(v)) return;
    const front = full.fronts[v]!;
    unranked.push({
      variantId: variant.variantId,
      ...unrankedReason(input, v, points, front, full),
      front: frontPoints(input, front),
      curve: curvePoints(input, v, points, front, runCis),
      ...secondaryColumns(input, v, points, front),
    });
  });

  return { interval: full.interval, ranked, unranked, prompts: input.promptIds.length, settings };
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
