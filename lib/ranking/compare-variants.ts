// Head-to-head of two variants on the same prompts: both curves, fidelity at one
// diversity level with a paired-bootstrap interval and p-value for A − B (the same
// numbers as that pair's cell of the board's matrix at the same level and seed, before Holm), and
// per-prompt scores with a win rate.
//
// Level: the reader's, else the prompt set's default level (given by the caller, as on the board),
// else the pair level, first rule that applies:
//   1. one side is a single point (one run, or runs pooled into one) at diversity x and
//      the other's curve spans x: x, so the single run is compared at its own diversity;
//   2. the two curves' diversity spans overlap: the middle of the overlap;
//   3. otherwise the highest diversity both curves reach (the board's default rule).
// Per-prompt score: the variant's score is Σ w_r · CLIPScore_r over its runs (weights
// of the fitted curve at the level, monotone-curve.ts runWeightsAt); a prompt's score
// is the same weighted sum of that prompt's CLIPScore in those runs, so the per-prompt
// numbers are the score taken apart. A prompt with no scored image in a run that carries
// weight has no score. Win rate: share of prompts with both scores where A's is higher;
// equal scores count one half, so A against itself gives exactly 0.5.
import { curveFloor, curveReach, fittedReplicates, type VariantCurves } from "./fit-variants";
import { pairedDifference } from "./inference";
import { runWeightsAt } from "./monotone-curve";
import { prepareInput } from "./prepare-input";
import { COMMON_REACH_RULE, rankingCore, scoredVariant, significanceStatus, unrankedVariant } from "./rank-variants";
import { V3_RULES } from "./rules";
import { promptClipScore } from "./run-points";
import { METHOD_VERSION, rankingOptionsSchema, type RankingOptions, type RankingSettings } from "./settings";
import type {
  DiversityLevel,
  PairedDifference,
  PromptId,
  RankingVariant,
  ScoredVariant,
  SignificanceStatus,
  UnrankedVariant,
  VarianceComponents,
} from "./types";

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

export type ComparedVariant = ({ scored: true } & ScoredVariant) | ({ scored: false } & UnrankedVariant);

export interface VariantComparison {
  methodVersion: string;
  a: ComparedVariant;
  b: ComparedVariant;
  /** null when neither side has a scored run. */
  diversity: DiversityLevel | null;
  /** Why there is no difference (a side does not reach the level). */
  reason?: string;
  /** Score of A − score of B (raw p: one test, no Holm). */
  difference: PairedDifference | null;
  /** Variance components of the difference (power calculator); null without a difference. */
  components: VarianceComponents | null;
  significance: SignificanceStatus;
  /** In the prompt order of A's first run; empty without a difference. */
  perPrompt: PromptComparison[];
  winRate: WinRate | null;
  settings: RankingSettings;
}

/** Where every replicate of the variant is observed, as the pair rules read it (null without a curve). */
function span(c: VariantCurves): { lo: number; hi: number } | null {
  const reps = fittedReplicates(c);
  if (reps.length === 0) return null;
  return { lo: Math.max(...reps.map(curveFloor)), hi: Math.min(...reps.map(curveReach)) };
}

const pairRule = (value: number, rule: string): DiversityLevel => ({
  value,
  isDefault: true,
  source: "pair",
  rule,
  dependsOnVariants: true,
});

/** The pair's default level (rules 1–3 above) when the caller gives none; null if a side has no curve. */
export function pairLevel(a: VariantCurves, b: VariantCurves): DiversityLevel | null {
  const [sa, sb] = [span(a), span(b)];
  if (!sa || !sb) return null;
  for (const [single, other] of [
    [sa, sb],
    [sb, sa],
  ] as const) {
    if (single.lo === single.hi && other.lo <= single.lo && single.lo <= other.hi && other.lo < other.hi) {
      return pairRule(single.lo, "the single-run variant's own diversity, which the other curve spans");
    }
  }
  const lo = Math.max(sa.lo, sb.lo);
  const hi = Math.min(sa.hi, sb.hi);
  if (lo <= hi) return pairRule((lo + hi) / 2, "the middle of the diversity range both curves span");
  return pairRule(Math.min(sa.hi, sb.hi), COMMON_REACH_RULE);
}

export function compareVariants(a: RankingVariant, b: RankingVariant, options: RankingOptions = {}): VariantComparison {
  const settings = rankingOptionsSchema.parse(options);
  // A variant may be compared with itself; then the same ids appear twice.
  const input = prepareInput([a, b], { distinctVariants: false });
  const core = rankingCore(input, settings, (curves) =>
    settings.diversity !== undefined
      ? {
          value: settings.diversity,
          isDefault: false,
          source: "reader",
          rule: "set by the reader",
          dependsOnVariants: false,
        }
      : settings.defaultLevel
        ? { ...settings.defaultLevel, isDefault: true, dependsOnVariants: false }
        : pairLevel(curves[0]!, curves[1]!),
  );
  const side = (v: number): ComparedVariant =>
    core.scored.includes(v)
      ? { scored: true, ...scoredVariant(core, v) }
      : { scored: false, ...unrankedVariant(core, v) };
  const out: VariantComparison = {
    methodVersion: METHOD_VERSION,
    a: side(0),
    b: side(1),
    diversity: core.level,
    difference: null,
    components: null,
    significance: significanceStatus(input.promptIds.length, V3_RULES),
    perPrompt: [],
    winRate: null,
    settings,
  };
  if (core.scored.length !== 2) {
    out.reason = [out.a, out.b].flatMap((s) => (s.scored ? [] : [`${s.variantId}: ${s.reason}`])).join("; ");
    return out;
  }
  const { components, df: _df, ...difference } = pairedDifference(core.samples.get(0)!, core.samples.get(1)!, core.ctx);
  out.difference = difference;
  out.components = components;
  const [pa, pb] = [0, 1].map((v) => perPromptScores(core, v));
  let wins = 0;
  let ties = 0;
  let losses = 0;
  out.perPrompt = input.promptIds.map((promptId, p) => {
    const x = pa![p]!;
    const y = pb![p]!;
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

/** Per prompt, the mean over the variant's replicates of the level's run weights × that prompt's CLIPScore. */
function perPromptScores(core: ReturnType<typeof rankingCore>, v: number): (number | null)[] {
  const reps = fittedReplicates(core.curves[v]!);
  const weights = reps.map((r) => runWeightsAt(r.blocks, core.level!.value, r.runs.length));
  return core.input.promptIds.map((_, p) => {
    let s = 0;
    for (let k = 0; k < reps.length; k++) {
      const w = weights[k]!;
      for (let i = 0; i < w.length; i++) {
        if (w[i] === 0) continue;
        const c = promptClipScore(core.input.runs[reps[k]!.runs[i]!]!.arrays, p);
        if (c === null) return null;
        s += (w[i]! * c) / reps.length;
      }
    }
    return s;
  });
}
