import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { compareVariants } from "./compare-variants";
import { rankVariants } from "./rank-variants";
import { syntheticRun, syntheticVariant } from "./test-helpers";

const lineA = [
  [0.2, 70],
  [0.4, 60],
  [0.6, 50],
] as const;
const lineB = [
  [0.3, 62],
  [0.5, 52],
  [0.7, 42],
] as const;

describe("compareVariants", () => {
  it("A against itself: difference 0, p = 1, win rate 0.5", () => {
    const a = syntheticVariant("A", lineA, { noise: 5 });
    const c = compareVariants(a, a);
    expect(c.interval!.lo).toBeCloseTo(0.2, 12);
    expect(c.interval!.hi).toBeCloseTo(0.6, 12);
    expect(c.difference).toMatchObject({ estimate: 0, pValue: 1, ci: { low: 0, high: 0, dropped: 0 } });
    expect(c.winRate).toEqual({ value: 0.5, wins: 0, ties: 40, losses: 0, prompts: 40 });
    expect(c.perPrompt.every((p) => p.difference === 0)).toBe(true);
    expect(c.a.curve).toEqual(c.b.curve);
  });

  it("finds a clear difference over the two fronts' overlap", () => {
    // On the overlap 0.3–0.6: A = 80 − 50·d has mean 57.5, B = 77 − 50·d has 54.5.
    const c = compareVariants(syntheticVariant("A", lineA, { noise: 5 }), syntheticVariant("B", lineB, { noise: 5, seed: 2 }));
    expect(c.interval!.lo).toBeCloseTo(0.3, 12);
    expect(c.interval!.hi).toBeCloseTo(0.6, 12);
    expect(c.a.score).toBeCloseTo(57.5, 9);
    expect(c.b.score).toBeCloseTo(54.5, 9);
    expect(c.difference!.estimate).toBeCloseTo(3, 9);
    expect(c.difference!.pValue).toBeLessThan(0.05);
    expect(c.difference!.ci!.low).toBeGreaterThan(0);
    expect(c.winRate!.value).toBeGreaterThan(0.7);
    expect(c.settings.B).toBe(1000);
  });

  it("per-prompt scores average back to the variant's score", () => {
    // Equal images per prompt and no clamping, so the mean over prompts is exact.
    const c = compareVariants(syntheticVariant("A", lineA, { noise: 5 }), syntheticVariant("B", lineB, { noise: 5, seed: 2 }));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(c.perPrompt.map((p) => p.a!))).toBeCloseTo(c.a.score!, 9);
    expect(mean(c.perPrompt.map((p) => p.b!))).toBeCloseTo(c.b.score!, 9);
    expect(c.perPrompt.map((p) => p.promptId)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("agrees with the ranking of the same two variants", () => {
    const a = syntheticVariant("A", lineA, { noise: 5 });
    const b = syntheticVariant("B", lineB, { noise: 5, seed: 2 });
    const c = compareVariants(a, b, { seed: 3, B: 400 });
    const r = rankVariants([a, b], { seed: 3, B: 400 });
    expect(r.ranked[0]!.score).toBe(c.a.score);
    expect(r.ranked[0]!.differenceVsNext).toEqual(c.difference);
  });

  it("explains why two variants cannot be compared", () => {
    const a = syntheticVariant("A", lineA, { noise: 5 });
    const single = { variantId: "S", runs: [syntheticRun("S-1", 7.5, 0.4, 65)] };
    const one = compareVariants(a, single, { B: 50 });
    expect(one).toMatchObject({ interval: null, difference: null, perPrompt: [], winRate: null, b: { score: null } });
    expect(one.reason).toBe("S: one run only: a curve needs runs at ≥ 2 guidance scales");
    const far = syntheticVariant("F", [
      [0.7, 40],
      [0.9, 30],
    ]);
    expect(compareVariants(a, far, { B: 50 }).reason).toBe("the fronts do not overlap in diversity: A spans 0.200–0.600, F spans 0.700–0.900");
  });

  it("rejects variants scored on different prompts", () => {
    const a = syntheticVariant("A", lineA);
    const b = syntheticVariant("B", lineB, { prompts: 38 });
    expect(() => compareVariants(a, b)).toThrow(AppError);
    expect(() => compareVariants(a, b)).toThrow(/lacks prompts 39, 40/);
  });
});
