// Seeded simulations of the ranking's error rates, shared by the property suite (which asserts
// them at 8, 16 and 50 prompts) and scripts/bench/ranking-calibration.ts (which prints them for
// the shipped rules and for method v2's, with their standard errors). Not part of the public API.
//
// Every board is drawn from the model of tools/test-support/ranking.ts (a guidance sweep along a
// known true curve, shared per-prompt effects, per-(run, prompt) noise; replicates add a model
// effect per trained copy), so the truth of every score and difference is known. A rate r over N
// boards has standard error √(r(1 − r)/N): 5 % over 1000 boards ≈ 0.69 %, so a ±1.5 % band is
// ≈ 2.2 standard errors; 80 % over 400 boards ≈ 2.0 %, so ±5 % is 2.5.
import { rankVariantsWithRules } from "../../lib/ranking/rank-variants";
import type { RankingRules } from "../../lib/ranking/rules";
import type { Ranking, RankingVariant } from "../../lib/ranking/types";
import { uniform } from "./metrics";
import { simulatedPrompts, simulatedVariant, TRUE_CURVE, trueScoreAt } from "./ranking";

/** Resamples per simulated board: the shipped default is 1000; 200 keeps a suite of thousands of boards short. */
export const SIM_B = 200;
/**
 * The simulations' level: the middle of the sweep's diversity range (guidance 1–12 spans true
 * diversity 0.537–0.282), where a reader would typically compare. Method v2's suite used the
 * diversity of the middle guidance scale (6: 0.355), where the runs crowd together because
 * diversity saturates at high guidance; the calibration script reports both
 * (scripts/bench/ranking-calibration.ts --level crowded).
 */
export const SIM_LEVEL = (TRUE_CURVE.diversity(1) + TRUE_CURVE.diversity(12)) / 2;
/** The level of method v2's suite: the diversity at guidance 6. */
export const CROWDED_LEVEL = TRUE_CURVE.diversity(6);
export const SIM_SIZES = [8, 16, 50] as const;
/** Between-replicate SD of the replicate simulations (CLIPScore points): of the order of the toy seed experiment's. */
export const SIM_MODEL_SD = 0.8;

export const sweep = (k: number) => Array.from({ length: k }, (_, i) => 1 + (11 * i) / (k - 1));

export type Method = (variants: RankingVariant[], o: { B: number; seed: number; diversity: number }) => Ranking;

let level = SIM_LEVEL;
/** The level the simulations below read at (the calibration script's --level); SIM_LEVEL unless changed. */
export function setSimulationLevel(value: number): void {
  level = value;
}

export const withRules =
  (rules: RankingRules): Method =>
  (variants, o) =>
    rankVariantsWithRules(variants, o, rules);

export interface Rate {
  hits: number;
  n: number;
  rate: number;
  /** √(rate·(1 − rate)/n). */
  se: number;
}

const rate = (hits: number, n: number): Rate => {
  const r = hits / n;
  return { hits, n, rate: r, se: Math.sqrt((r * (1 - r)) / n) };
};

/** One board of simulated variants from one shared prompt sample, seeded by `seed`. */
function board(
  seed: number,
  P: number,
  specs: { id: string; shift?: number; scales?: number[]; replicates?: number; modelSd?: number }[],
): RankingVariant[] {
  const u = uniform(seed);
  const prompts = simulatedPrompts(P, u);
  return specs.map((s) =>
    simulatedVariant(s.id, s.scales ?? sweep(5), prompts, u, {
      shift: s.shift,
      replicates: s.replicates,
      modelSd: s.modelSd,
    }),
  );
}

const pairOf = (r: Ranking, a: string, b: string) =>
  r.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));

/** Difference a − b as the ranking states it (its pairs list the higher-placed variant first). */
function difference(r: Ranking, a: string, b: string) {
  const p = pairOf(r, a, b);
  if (!p) throw new Error(`no pair ${a}–${b}: a variant was not ranked`);
  const ci = p.difference.ci;
  const flip = p.a !== a;
  return {
    estimate: flip ? -p.difference.estimate : p.difference.estimate,
    low: ci ? (flip ? -ci.high : ci.low) : NaN,
    high: ci ? (flip ? -ci.low : ci.high) : NaN,
    significant: p.significant,
    mde: p.difference.mde,
  };
}

const covers = (ci: { low: number; high: number } | null | undefined, truth: number) =>
  !!ci && ci.low <= truth && truth <= ci.high;

export interface NullResults {
  /** Two identical variants called different. */
  identical: Rate;
  /** Coverage of the two variants' CIs (2 per board). */
  variantCoverage: Rate;
  /** The pair's stated MDEs. */
  mdes: number[];
}

/** N boards of two identical variants at P prompts. */
export function nullPairs(method: Method, P: number, N: number, seedBase = 10_000): NullResults {
  let called = 0;
  let covered = 0;
  const mdes: number[] = [];
  const truth = trueScoreAt(level);
  for (let r = 0; r < N; r++) {
    const res = method(board(seedBase + r, P, [{ id: "X" }, { id: "Y" }]), { B: SIM_B, seed: r, diversity: level });
    const d = difference(res, "X", "Y");
    if (d.significant) called++;
    if (d.mde !== null) mdes.push(d.mde);
    for (const id of ["X", "Y"]) if (covers(res.ranked.find((v) => v.variantId === id)?.ci, truth)) covered++;
  }
  return { identical: rate(called, N), variantCoverage: rate(covered, 2 * N), mdes };
}

/** N boards of four identical variants: the share with any pair called different (Holm). */
export function familywise(method: Method, P: number, N: number, seedBase = 50_000): Rate {
  let any = 0;
  for (let r = 0; r < N; r++) {
    const ids = ["A", "B", "C", "D"].map((id) => ({ id }));
    const res = method(board(seedBase + r, P, ids), { B: SIM_B, seed: r, diversity: level });
    if (res.pairs.some((p) => p.significant)) any++;
  }
  return rate(any, N);
}

/** N boards where X is `gap` points better than Y: the coverage of the difference's CI. */
export function differenceCoverage(method: Method, P: number, N: number, gap = 1, seedBase = 90_000): Rate {
  let covered = 0;
  for (let r = 0; r < N; r++) {
    const res = method(board(seedBase + r, P, [{ id: "X", shift: gap }, { id: "Y" }]), {
      B: SIM_B,
      seed: r,
      diversity: level,
    });
    if (covers(difference(res, "X", "Y"), gap)) covered++;
  }
  return rate(covered, N);
}

/** N boards where the true gap is `gap`: the share where the better variant is called significantly better. */
export function detection(method: Method, P: number, N: number, gap: number, seedBase = 130_000): Rate {
  let found = 0;
  for (let r = 0; r < N; r++) {
    const res = method(board(seedBase + r, P, [{ id: "better", shift: gap }, { id: "worse" }]), {
      B: SIM_B,
      seed: r,
      diversity: level,
    });
    const d = difference(res, "better", "worse");
    if (d.significant && d.estimate > 0) found++;
  }
  return rate(found, N);
}

export interface ReplicateResults {
  variantCoverage: Rate;
  differenceCoverage: Rate;
}

/**
 * N boards of two variants with R replicates each (model SD `modelSd`), X better by `gap`: the
 * coverage of each variant's CI of its true (recipe) score and of the difference's CI.
 */
export function replicateCoverage(
  method: Method,
  P: number,
  R: number,
  N: number,
  modelSd = SIM_MODEL_SD,
  gap = 1,
  seedBase = 170_000,
): ReplicateResults {
  let vc = 0;
  let dc = 0;
  for (let r = 0; r < N; r++) {
    const res = method(
      board(seedBase + r, P, [
        { id: "X", shift: gap, replicates: R, modelSd },
        { id: "Y", replicates: R, modelSd },
      ]),
      { B: SIM_B, seed: r, diversity: level },
    );
    if (covers(res.ranked.find((v) => v.variantId === "X")?.ci, trueScoreAt(level, gap))) vc++;
    if (covers(res.ranked.find((v) => v.variantId === "Y")?.ci, trueScoreAt(level))) vc++;
    if (covers(difference(res, "X", "Y"), gap)) dc++;
  }
  return { variantCoverage: rate(vc, 2 * N), differenceCoverage: rate(dc, N) };
}

/** The same true curve run at 12 and at 4 guidance scales: how often called different, and the mean gap ± SE. */
export function manyVersusFew(method: Method, P: number, N: number, seedBase = 10_000) {
  let called = 0;
  const gaps: number[] = [];
  for (let r = 0; r < N; r++) {
    const res = method(
      board(seedBase + r, P, [
        { id: "many", scales: sweep(12) },
        { id: "few", scales: sweep(4) },
      ]),
      { B: SIM_B, seed: r, diversity: level },
    );
    const d = difference(res, "many", "few");
    gaps.push(d.estimate);
    if (d.significant) called++;
  }
  const mean = gaps.reduce((s, g) => s + g, 0) / N;
  const se = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / (N - 1) / N);
  return { called: rate(called, N), meanGap: mean, meanGapSe: se };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const pct = (r: Rate) => `${(100 * r.rate).toFixed(1)} % ± ${(100 * r.se).toFixed(1)}`;
