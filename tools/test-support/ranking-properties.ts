// The ranking's properties as vitest suites over a rule set (lib/ranking/rules.ts), so the same
// checks run against the shipped method (lib/ranking/*.test.ts) and, once, against method v2's
// rules to show that they catch its faults (the v3 issue's "Done when"; the figures of that run
// are in docs/reference/ranking.md). Not part of the public API.
//
// propertySuite: the level does not depend on the variants on the board (P1 and the issue's
// minimal board), no reward for more runs (P2), dominance (P5), ranks do not chain (P7).
// calibrationSuite: error rates at one prompt count (ranking-calibration.ts).
// replicateSuite: coverage with true between-replicate variance at 3 replicates × 50 prompts.
import { describe, expect, it } from "vitest";
import { rankVariantsWithRules } from "../../lib/ranking/rank-variants";
import { V2_RULES, type RankingRules } from "../../lib/ranking/rules";
import type { DefaultLevel } from "../../lib/ranking/settings";
import type { RankingVariant } from "../../lib/ranking/types";
import {
  detection,
  differenceCoverage,
  familywise,
  manyVersusFew,
  median,
  nullPairs,
  pct,
  replicateCoverage,
  SIM_B,
  SIM_LEVEL,
  SIM_MODEL_SD,
  sweep,
  withRules,
  type Method,
} from "./ranking-calibration";
import { uniform } from "./metrics";
import { simulatedPrompts, simulatedVariant, syntheticVariant, TRUE_CURVE } from "./ranking";

/** The bands: a rate r is checked as |r − target| ≤ band. */
export const BANDS = {
  alpha: 0.05,
  alphaBand: 0.015,
  coverage: 0.95,
  coverageBand: 0.015,
  power: 0.8,
  powerBand: 0.05,
};

/** Boards per check: 5 % over 1000 has an SE of 0.69 %, so ±1.5 % is 2.2 SE; 80 % over 400 has 2.0 %, so ±5 % is 2.5 SE. */
export const N_RATE = 1000;
export const N_POWER = 400;
/** A simulation of a thousand boards takes seconds alone and can take minutes on a loaded machine. */
const SLOW = 600_000;

/**
 * The prompt set's default level as the leaderboard would pass it. Method v2 had none: it took
 * the highest diversity every curve reaches, so its runner drops it.
 */
function run(
  rules: RankingRules,
  variants: RankingVariant[],
  o: { B: number; seed: number; defaultLevel?: DefaultLevel; diversity?: number },
) {
  const { defaultLevel, ...rest } = o;
  return rankVariantsWithRules(variants, rules.name === "v2" ? rest : { ...rest, defaultLevel }, rules);
}

/** The minimal board (diversity, CLIP score). */
export const MINIMAL_BOARD = {
  A: [
    [0.6, 38],
    [0.35, 40],
    [0.2, 70],
  ],
  B: [
    [0.6, 30],
    [0.35, 55],
    [0.2, 56],
  ],
  C: [
    [0.3, 5],
    [0.2, 10],
  ],
} as const;

export function propertySuite(rules: RankingRules, report: (line: string) => void = () => {}): void {
  const method = withRules(rules);
  describe(`ranking properties (${rules.name})`, () => {
    it("P1: at the default view, adding or removing a third variant changes neither the scores, CIs nor raw p of two others", () => {
      const level: DefaultLevel = { value: TRUE_CURVE.diversity(4), source: "admin", rule: "set for the prompt set" };
      for (let r = 0; r < 20; r++) {
        const u = uniform(10_000 + r);
        const p = simulatedPrompts(50, u);
        const a = simulatedVariant("A", sweep(5), p, u, { shift: 0.5 });
        const b = simulatedVariant("B", sweep(5), p, u);
        // C covers a narrower, lower-diversity range (high guidance only).
        const c = simulatedVariant("C", [7, 9, 11, 13], p, u, { shift: 1 });
        const two = run(rules, [a, b], { B: SIM_B, seed: r, defaultLevel: level });
        const three = run(rules, [a, b, c], { B: SIM_B, seed: r, defaultLevel: level });
        for (const id of ["A", "B"]) {
          const [x, y] = [two, three].map((res) => res.ranked.find((v) => v.variantId === id));
          expect(y?.score).toBe(x?.score);
          expect(y?.ci).toEqual(x?.ci);
        }
        const pab = (res: typeof two) => res.pairs.find((q) => [q.a, q.b].sort().join() === "A,B")!.difference;
        expect(pab(three).pValue).toBe(pab(two).pValue);
        expect(pab(three).ci).toEqual(pab(two).ci);
      }
    });

    it("the issue's minimal board gives the same A-vs-B answer with and without C at the default view", () => {
      const variants = Object.entries(MINIMAL_BOARD).map(([id, pts]) =>
        syntheticVariant(id, pts, { noise: 1, seed: id.charCodeAt(0) }),
      );
      // The prompt set's level (e.g. its reference set's per-prompt diversity), not chosen from the variants.
      const level: DefaultLevel = { value: 0.5, source: "reference-set", rule: "the reference set's diversity" };
      const answer = (vs: RankingVariant[]) => {
        const res = run(rules, vs, { B: SIM_B, seed: 1, defaultLevel: level });
        const pair = res.pairs.find((q) => [q.a, q.b].sort().join() === "A,B")!;
        const score = (id: string) => res.ranked.find((v) => v.variantId === id)!.score;
        return { level: res.diversity!.value, a: score("A"), b: score("B"), p: pair.difference.pValue, better: pair.a };
      };
      const without = answer(variants.slice(0, 2));
      const withC = answer(variants);
      report(
        `minimal board (${rules.name}): without C level ${without.level.toFixed(3)}, A ${without.a.toFixed(1)}, B ${without.b.toFixed(1)}, ${without.better} better (p ${without.p}); with C level ${withC.level.toFixed(3)}, A ${withC.a.toFixed(1)}, B ${withC.b.toFixed(1)}, ${withC.better} better (p ${withC.p})`,
      );
      expect(withC).toEqual(without);
    });

    it(
      "P2: the same true curve at 12 vs 4 guidance scales: no reward for more runs",
      () => {
        const { called, meanGap, meanGapSe } = manyVersusFew(method, 50, N_POWER);
        report(
          `P2 (${rules.name}): called different in ${pct(called)}; mean gap ${meanGap.toFixed(4)} ± ${meanGapSe.toFixed(4)} (1 SE)`,
        );
        expect(called.rate).toBeLessThanOrEqual(BANDS.alpha + BANDS.alphaBand);
        expect(Math.abs(meanGap)).toBeLessThanOrEqual(2 * meanGapSe);
      },
      SLOW,
    );

    it("P5: a variant with a run dominating every run of the others is ranked first, even when its runs are all more diverse", () => {
      // D's runs lie at higher diversity than every other run; its run (0.62, 66) beats them all on both axes.
      const vs = [
        syntheticVariant(
          "A",
          [
            [0.2, 64],
            [0.3, 60],
            [0.4, 55],
          ],
          { noise: 2, seed: 1 },
        ),
        syntheticVariant(
          "B",
          [
            [0.25, 65],
            [0.35, 61],
            [0.45, 52],
          ],
          { noise: 2, seed: 2 },
        ),
        syntheticVariant(
          "D",
          [
            [0.62, 66],
            [0.7, 50],
          ],
          { noise: 2, seed: 3 },
        ),
      ];
      const res = run(rules, vs, { B: SIM_B, seed: 1, diversity: 0.3 });
      expect(res.ranked[0]!.variantId).toBe("D");
      expect(res.ranked[0]!.rank).toBe(1);
      // Its curve dips (the second run is much worse), yet it is never placed below those it dominates.
      const dip = [
        vs[0]!,
        syntheticVariant(
          "D",
          [
            [0.5, 65],
            [0.6, 30],
          ],
          { noise: 2, seed: 3 },
        ),
      ];
      const res2 = run(rules, dip, { B: SIM_B, seed: 1, diversity: 0.3 });
      expect(res2.ranked[0]!.variantId).toBe("D");
      const rank = (id: string) => res2.ranked.find((v) => v.variantId === id)!.rank;
      expect(rank("D")).toBeLessThanOrEqual(rank("A"));
    });

    it("P7: ranks do not chain: A ≈ B and B ≈ C but A > C gives C a rank below A", () => {
      let seen = 0;
      for (let r = 0; r < 60 && seen < 3; r++) {
        const u = uniform(10_000 + r);
        const p = simulatedPrompts(50, u);
        const vs = [
          simulatedVariant("A", sweep(5), p, u, { shift: 1.2 }),
          simulatedVariant("B", sweep(5), p, u, { shift: 0.6 }),
          simulatedVariant("C", sweep(5), p, u),
        ];
        const res = run(rules, vs, { B: SIM_B, seed: r, diversity: SIM_LEVEL });
        const sig = (a: string, b: string) =>
          res.pairs.some((q) => [q.a, q.b].sort().join() === [a, b].sort().join() && q.significant);
        if (sig("A", "B") || sig("B", "C") || !sig("A", "C")) continue;
        seen++;
        const rank = (id: string) => res.ranked.find((v) => v.variantId === id)!.rank;
        expect([rank("A"), rank("B"), rank("C")]).toEqual([1, 1, 2]);
      }
      expect(seen).toBeGreaterThan(0);
    });
  });
}

/** The error rates at P prompts (8, 16 and 50 in lib/ranking/calibration-*.test.ts). */
export function calibrationSuite(rules: RankingRules, P: number, report: (line: string) => void = () => {}): void {
  const method: Method = withRules(rules);
  describe(`calibration at ${P} prompts (${rules.name})`, () => {
    let mdes: number[] = [];
    it(
      `identical variants are called different in ${BANDS.alpha * 100} % ± ${BANDS.alphaBand * 100} %, and their CIs cover the truth ${BANDS.coverage * 100} % ± ${BANDS.coverageBand * 100} %`,
      () => {
        const res = nullPairs(method, P, N_RATE);
        mdes = res.mdes;
        report(
          `${rules.name} ${P} prompts: identical called different ${pct(res.identical)}; variant CI coverage ${pct(res.variantCoverage)}`,
        );
        expect(Math.abs(res.identical.rate - BANDS.alpha)).toBeLessThanOrEqual(BANDS.alphaBand);
        expect(Math.abs(res.variantCoverage.rate - BANDS.coverage)).toBeLessThanOrEqual(BANDS.coverageBand);
      },
      SLOW,
    );

    it(
      `among 4 identical variants some pair is called different in at most ${(BANDS.alpha + BANDS.alphaBand) * 100} %`,
      () => {
        const fw = familywise(method, P, N_RATE);
        report(`${rules.name} ${P} prompts: family-wise rate among 4 identical ${pct(fw)}`);
        expect(fw.rate).toBeLessThanOrEqual(BANDS.alpha + BANDS.alphaBand);
      },
      SLOW,
    );

    it(
      `the CI of a true difference of 1 point covers it ${BANDS.coverage * 100} % ± ${BANDS.coverageBand * 100} %`,
      () => {
        const cov = differenceCoverage(method, P, N_RATE);
        report(`${rules.name} ${P} prompts: difference CI coverage ${pct(cov)}`);
        expect(Math.abs(cov.rate - BANDS.coverage)).toBeLessThanOrEqual(BANDS.coverageBand);
      },
      SLOW,
    );

    it(
      `a true difference equal to the stated MDE is found ${BANDS.power * 100} % ± ${BANDS.powerBand * 100} % of the time`,
      () => {
        if (mdes.length === 0) mdes = nullPairs(method, P, 200).mdes;
        const mde = median(mdes);
        const found = detection(method, P, N_POWER, mde);
        report(
          `${rules.name} ${P} prompts: stated MDE ${mde.toFixed(2)} points (median over boards) detected ${pct(found)}`,
        );
        expect(Math.abs(found.rate - BANDS.power)).toBeLessThanOrEqual(BANDS.powerBand);
      },
      SLOW,
    );
  });
}

/** Replicates: 3 trained copies per variant × 50 prompts, with true between-replicate variance. */
export function replicateSuite(rules: RankingRules, report: (line: string) => void = () => {}): void {
  const method = withRules(rules);
  describe(`replicates (${rules.name})`, () => {
    it(
      `with between-replicate SD ${SIM_MODEL_SD}, CIs at 3 replicates × 50 prompts cover the truth ${BANDS.coverage * 100} % ± ${BANDS.coverageBand * 100} %`,
      () => {
        const res = replicateCoverage(method, 50, 3, N_RATE);
        report(
          `${rules.name} 3 replicates × 50 prompts: variant CI coverage ${pct(res.variantCoverage)}; difference CI coverage ${pct(res.differenceCoverage)}`,
        );
        expect(Math.abs(res.variantCoverage.rate - BANDS.coverage)).toBeLessThanOrEqual(BANDS.coverageBand);
        expect(Math.abs(res.differenceCoverage.rate - BANDS.coverage)).toBeLessThanOrEqual(BANDS.coverageBand);
      },
      SLOW,
    );

    it(
      "a board of single replicates (model-level variance unknown) covers no worse than method v2 on the same boards",
      () => {
        const mine = replicateCoverage(method, 50, 1, N_POWER);
        const v2 = replicateCoverage(withRules(V2_RULES), 50, 1, N_POWER);
        report(
          `${rules.name} 1 replicate × 50 prompts, true model SD ${SIM_MODEL_SD}: variant coverage ${pct(mine.variantCoverage)} (v2 ${pct(v2.variantCoverage)}); difference ${pct(mine.differenceCoverage)} (v2 ${pct(v2.differenceCoverage)})`,
        );
        expect(mine.variantCoverage.rate).toBeGreaterThanOrEqual(v2.variantCoverage.rate);
        expect(mine.differenceCoverage.rate).toBeGreaterThanOrEqual(v2.differenceCoverage.rate);
      },
      SLOW,
    );
  });
}
