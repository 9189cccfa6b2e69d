// Head-to-head of two variants on the same prompts: both curves, fidelity at matched
// diversity over the two fronts' common interval with a paired-bootstrap interval
// and p-value for A − B, and per-prompt scores with a win rate.
//
// Per-prompt score: the variant's fidelity at matched diversity uses weights w_i on
// its front runs (the integral of the interpolated curve over the interval, see
// pareto-front.ts). A prompt's score is the same weighted average of that prompt's
// CLIPScore in those runs, Σ w_i · max(100·cosSum_i,p / n_i,p, 0), so the per-prompt
// numbers are the primary score taken apart, not a second definition. A prompt
// with no scored image in a run that carries weight has no score and is left out.
// Win rate: share of prompts with both scores where A's is higher; equal scores
// count one half, so A against itself gives exactly 0.5.
import { computeRunPoints, evaluatePass, frontSpan, type Front, type RunPoints } from "./evaluate-fronts";
import { interpolationWeights } from "./pareto-front";
import { prepareInput, type PreparedInput } from "./prepare-input";
import { pairedDifference, resampleRuns } from "./resample";
import { promptClipScore } from "./run-points";
import { rankingOptionsSchema, type RankingOptions, type RankingSettings } from "./settings";
import type { CurvePoint, FrontPoint, Interval, PairedDifference, PromptId, RankingVariant, SecondaryColumns } from "./types";
import { formatSpan, unrankedReason } from "./unranked-reason";
import { curvePoints, frontPoints, secondaryColumns } from "./variant-columns";

export interface ComparedVariant extends SecondaryColumns {
  variantId: string;
  /** Fidelity at matched diversity on the pair's interval; null without one. */
  score: number | null;
  front: FrontPoint[];
  curve: CurvePoint[];
}

export interface PromptComparison {
  promptId: PromptId;
  a: number | null;
  b: number | null;
  /** a − b; null when either is. */
  difference: number | null;
}

export interface WinRate {
  /** (wins + ties/2) / prompts. */
  value: number;
  wins: number;
  ties: number;
  losses: number;
  /** Prompts with both scores. */
  prompts: number;
}

export interface VariantComparison {
  a: ComparedVariant;
  b: ComparedVariant;
  /** Intersection of the two fronts' diversity spans; null when they cannot be compared. */
  interval: Interval | null;
  /** Why there is no interval. */
  reason?: string;
  /** Score of A − score of B. */
  difference: PairedDifference | null;
  /** In the prompt order of A's first run; empty without an interval. */
  perPrompt: PromptComparison[];
  winRate: WinRate | null;
  settings: RankingSettings;
}

export function compareVariants(a: RankingVariant, b: RankingVariant, options: RankingOptions = {}): VariantComparison {
  const settings = rankingOptionsSchema.parse(options);
  // A variant may be compared with itself; then the same ids appear twice.
  const input = prepareInput([a, b], { distinctVariants: false });
  const points = computeRunPoints(input);
  const full = evaluatePass(input, points);
  const paired = full.members.length === 2;

  const samples = [new Float64Array(settings.B).fill(NaN), new Float64Array(settings.B).fill(NaN)] as const;
  const runCis = resampleRuns(input, settings, (resampled, k) => {
    const pass = evaluatePass(input, resampled);
    if (pass.members.length !== 2) return;
    samples[0][k] = pass.scores[0]!;
    samples[1][k] = pass.scores[1]!;
  });

  const side = (v: number): ComparedVariant => ({
    variantId: input.variants[v]!.variantId,
    score: paired ? full.scores[v]! : null,
    front: frontPoints(input, full.fronts[v]!),
    curve: curvePoints(input, v, points, full.fronts[v]!, runCis),
    ...secondaryColumns(input, v, points, full.fronts[v]!),
  });
  const out: VariantComparison = {
    a: side(0),
    b: side(1),
    interval: paired ? full.interval : null,
    difference: null,
    perPrompt: [],
    winRate: null,
    settings,
  };
  if (!paired) {
    out.reason = noIntervalReason(input, points, full.fronts);
    return out;
  }
  const interval = full.interval!;
  out.difference = pairedDifference(full.scores[0]! - full.scores[1]!, samples[0], samples[1], settings);
  const pa = perPromptScores(input, full.fronts[0]!, interval);
  const pb = perPromptScores(input, full.fronts[1]!, interval);
  let wins = 0;
  let ties = 0;
  let losses = 0;
  out.perPrompt = input.promptIds.map((promptId, p) => {
    const x = pa[p]!;
    const y = pb[p]!;
    if (x !== null && y !== null) {
      if (x > y) wins++;
      else if (x === y) ties++;
      else losses++;
    }
    return { promptId, a: x, b: y, difference: x !== null && y !== null ? x - y : null };
  });
  const n = wins + ties + losses;
  out.winRate = n === 0 ? null : { value: (wins + ties / 2) / n, wins, ties, losses, prompts: n };
  return out;
}

function perPromptScores(input: PreparedInput, front: Front, interval: Interval): (number | null)[] {
  const w = interpolationWeights(front.diversity, interval.lo, interval.hi);
  return input.promptIds.map((_, p) => {
    let s = 0;
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) continue;
      const c = promptClipScore(input.runs[front.runs[i]!]!.arrays, p);
      if (c === null) return null;
      s += w[i]! * c;
    }
    return s;
  });
}

function noIntervalReason(input: PreparedInput, points: RunPoints, fronts: Front[]): string {
  const reasons: string[] = [];
  for (const v of [0, 1]) {
    if (fronts[v]!.runs.length < 2) {
      reasons.push(`${input.variants[v]!.variantId}: ${unrankedReason(input, v, points, fronts[v]!, { interval: null }).reason}`);
    }
  }
  if (reasons.length > 0) return reasons.join("; ");
  const [sa, sb] = [frontSpan(fronts[0]!)!, frontSpan(fronts[1]!)!];
  return `the fronts do not overlap in diversity: ${input.variants[0]!.variantId} spans ${formatSpan(sa)}, ${input.variants[1]!.variantId} spans ${formatSpan(sb)}`;
}
