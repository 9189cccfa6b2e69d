// The properties P1–P8 of issue 10 as one vitest suite over a ranking method, so the
// same checks run against the shipped method (properties.test.ts) and, once, against
// another set of rules to show that they catch its faults. Not part of the public API.
//
// Simulations are seeded. A rate r over N replicates has standard error √(r(1−r)/N):
// 5% over 1000 replicates ≈ 0.69%, so the ±1.5% band of P3 is ≈ 2.2 standard errors.
// The simulations use B = 200 bootstrap resamples (settings.B) per replicate rather than
// 1000: a p-value then moves in steps of 0.01, fine for deciding p < 0.05, and the
// suite stays a few seconds long; the shipped default stays B = 1000.
import { describe, expect, it } from "vitest";
import { uniform } from "./metrics";
import { simulatedPrompts, simulatedVariant, syntheticVariant, TRUE_CURVE } from "./ranking";
import type { RankingVariant } from "../../lib/ranking/types";

export interface MethodResult {
  /** Ranked variant ids, best first. */
  order: string[];
  score(id: string): number | null;
  ci(id: string): { low: number; high: number } | null;
  rank(id: string): number | null;
  /** Whether the method calls the two variants significantly different. */
  differs(a: string, b: string): boolean;
}

export interface MethodUnderTest {
  name: string;
  run(variants: RankingVariant[], o: { B: number; seed: number; diversity?: number }): MethodResult;
}

export const SIM_B = 200;
const ALPHA = 0.05;
const MID_LEVEL = TRUE_CURVE.diversity(6);

/** Replicate r's variants from one shared prompt sample. */
function replicate(
  r: number,
  build: (prompts: ReturnType<typeof simulatedPrompts>, u: () => number) => RankingVariant[],
  P = 50,
) {
  const u = uniform(10_000 + r);
  return build(simulatedPrompts(P, u), u);
}

const sweep = (k: number) => Array.from({ length: k }, (_, i) => 1 + (11 * i) / (k - 1));

export function propertySuite(method: MethodUnderTest, report: (line: string) => void = () => {}): void {
  describe(`ranking properties (${method.name})`, () => {
    it("P1: adding or removing a third variant changes neither the order, scores nor CIs of two others", () => {
      for (let r = 0; r < 20; r++) {
        const [a, b, c] = replicate(r, (p, u) => [
          simulatedVariant("A", sweep(5), p, u, { shift: 0.5 }),
          simulatedVariant("B", sweep(5), p, u),
          // C covers a narrower, lower-diversity range (high guidance only).
          simulatedVariant("C", [7, 9, 11, 13], p, u, { shift: 1 }),
        ]);
        const two = method.run([a!, b!], { B: SIM_B, seed: r, diversity: TRUE_CURVE.diversity(8) });
        const three = method.run([a!, b!, c!], { B: SIM_B, seed: r, diversity: TRUE_CURVE.diversity(8) });
        expect(three.order.filter((id) => id !== "C")).toEqual(two.order);
        for (const id of ["A", "B"]) {
          expect(three.score(id)).toBe(two.score(id));
          expect(three.ci(id)).toEqual(two.ci(id));
        }
      }
    });

    it("P2: same true curve at 12 vs 4 guidance scales: no reward for more runs", () => {
      const N = 400;
      let called = 0;
      const gaps: number[] = [];
      for (let r = 0; r < N; r++) {
        const vs = replicate(r, (p, u) => [
          simulatedVariant("many", sweep(12), p, u),
          simulatedVariant("few", sweep(4), p, u),
        ]);
        const res = method.run(vs, { B: SIM_B, seed: r, diversity: MID_LEVEL });
        const [x, y] = [res.score("many"), res.score("few")];
        if (x === null || y === null) throw new Error(`replicate ${r}: a variant is not scored`);
        gaps.push(x - y);
        if (res.differs("many", "few")) called++;
      }
      const mean = gaps.reduce((s, g) => s + g, 0) / N;
      const se = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / (N - 1) / N);
      report(
        `P2 (${method.name}): called different in ${called}/${N} = ${((100 * called) / N).toFixed(1)}%; mean gap ${mean.toFixed(4)} ± ${se.toFixed(4)} (1 SE)`,
      );
      expect(called / N).toBeLessThanOrEqual(0.065);
      expect(Math.abs(mean)).toBeLessThanOrEqual(se);
    });

    it("P3: identical variants are called different in 5% ± 1.5% of replicates", () => {
      const N = 1000;
      let called = 0;
      for (let r = 0; r < N; r++) {
        const vs = replicate(r, (p, u) => [
          simulatedVariant("X", sweep(5), p, u),
          simulatedVariant("Y", sweep(5), p, u),
        ]);
        if (method.run(vs, { B: SIM_B, seed: r, diversity: MID_LEVEL }).differs("X", "Y")) called++;
      }
      report(`P3 (${method.name}): called different in ${called}/${N} = ${((100 * called) / N).toFixed(1)}%`);
      expect(Math.abs(called / N - ALPHA)).toBeLessThanOrEqual(0.015);
    });

    it("P4: a true gap of 1.4 CLIPScore points at matched diversity is found in ≥ 80% of replicates with 50 prompts", () => {
      const N = 400;
      let found = 0;
      for (let r = 0; r < N; r++) {
        const vs = replicate(r, (p, u) => [
          simulatedVariant("better", sweep(5), p, u, { shift: 1.4 }),
          simulatedVariant("worse", sweep(5), p, u),
        ]);
        const res = method.run(vs, { B: SIM_B, seed: r, diversity: MID_LEVEL });
        if (res.differs("better", "worse") && res.order.indexOf("better") < res.order.indexOf("worse")) found++;
      }
      report(`P4 (${method.name}): gap 1.4 found in ${found}/${N} = ${((100 * found) / N).toFixed(1)}%`);
      expect(found / N).toBeGreaterThanOrEqual(0.8);
    });

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
      const res = method.run(vs, { B: SIM_B, seed: 1 });
      expect(res.order[0]).toBe("D");
      expect(res.rank("D")).toBe(1);
      // Its curve dips (the second run is much worse), yet it is never placed below those it dominates.
      const dip = [
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
          "D",
          [
            [0.5, 65],
            [0.6, 30],
          ],
          { noise: 2, seed: 3 },
        ),
      ];
      const res2 = method.run(dip, { B: SIM_B, seed: 1, diversity: 0.3 });
      expect(res2.order[0]).toBe("D");
      expect(res2.rank("D")).toBeLessThanOrEqual(res2.rank("A")!);
    });

    it("P7: ranks do not chain: A ≈ B and B ≈ C but A > C gives C a rank below A", () => {
      // Gaps of 0.55 points per step: neighbours are not separable, the ends are.
      let seen = 0;
      for (let r = 0; r < 40 && seen < 3; r++) {
        const vs = replicate(r, (p, u) => [
          simulatedVariant("A", sweep(5), p, u, { shift: 1.1 }),
          simulatedVariant("B", sweep(5), p, u, { shift: 0.55 }),
          simulatedVariant("C", sweep(5), p, u),
        ]);
        const res = method.run(vs, { B: SIM_B, seed: r, diversity: MID_LEVEL });
        if (res.differs("A", "B") || res.differs("B", "C") || !res.differs("A", "C")) continue;
        seen++;
        expect(res.rank("A")).toBe(1);
        expect(res.rank("B")).toBe(1);
        expect(res.rank("C")).toBe(2);
      }
      expect(seen).toBeGreaterThan(0);
    });
  });
}
