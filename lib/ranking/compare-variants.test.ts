import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors";
import { compareVariants, type ComparedVariant } from "./compare-variants";
import { rankVariants } from "./rank-variants";
import { syntheticRun, syntheticVariant } from "../../tools/test-support/ranking";

// A = 80 − 50·d on 0.2–0.6; B = 77 − 50·d on 0.3–0.7.
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

const score = (v: ComparedVariant) => (v.scored ? v.score : null);

describe("compareVariants", () => {
  it("A against itself: difference 0, p = 1, win rate 0.5", () => {
    const a = syntheticVariant("A", lineA, { noise: 5 });
    const c = compareVariants(a, a, { B: 300 });
    expect(c.diversity!.value).toBeCloseTo(0.4, 12);
    expect(c.difference).toMatchObject({
      estimate: 0,
      pValue: 1,
      resamples: 300,
      reliable: true,
      ci: { low: 0, high: 0, dropped: 0 },
    });
    expect(c.winRate).toEqual({ value: 0.5, wins: 0, ties: 40, losses: 0, prompts: 40 });
    expect(c.a.curve).toEqual(c.b.curve);
  });

  it("compares at the middle of the two curves' overlap by default, or at the reader's level", () => {
    const c = compareVariants(
      syntheticVariant("A", lineA, { noise: 5 }),
      syntheticVariant("B", lineB, { noise: 5, seed: 2 }),
      { B: 400 },
    );
    expect(c.diversity).toMatchObject({ isDefault: true, rule: "the middle of the diversity range both curves span" });
    expect(c.diversity!.value).toBeCloseTo(0.45, 12);
    expect(score(c.a)).toBeCloseTo(57.5, 9);
    expect(score(c.b)).toBeCloseTo(54.5, 9);
    expect(c.difference!.estimate).toBeCloseTo(3, 9);
    expect(c.difference!.pValue).toBeLessThan(0.05);
    expect(c.winRate!.value).toBeGreaterThan(0.7);
    const at = compareVariants(
      syntheticVariant("A", lineA, { noise: 5 }),
      syntheticVariant("B", lineB, { noise: 5, seed: 2 }),
      { B: 400, diversity: 0.35 },
    );
    expect(at.diversity).toMatchObject({ value: 0.35, isDefault: false });
  });

  it("P5: compares a single-run variant at its own diversity when the other curve covers it", () => {
    const single = { variantId: "S", runs: [syntheticRun("S-1", 4, 0.33, 66, { noise: 3 })] };
    const c = compareVariants(single, syntheticVariant("A", lineA, { noise: 3 }), { B: 300 });
    expect(c.diversity).toMatchObject({
      value: 0.33,
      rule: "the single-run variant's own diversity, which the other curve spans",
    });
    expect(score(c.a)).toBeCloseTo(66, 9);
    expect(score(c.b)).toBeCloseTo(63.5, 9);
    expect(c.difference!.estimate).toBeCloseTo(2.5, 9);
  });

  it("per-prompt scores average back to the variant's score", () => {
    const c = compareVariants(
      syntheticVariant("A", lineA, { noise: 5 }),
      syntheticVariant("B", lineB, { noise: 5, seed: 2 }),
      { B: 50 },
    );
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(c.perPrompt.map((p) => p.a!))).toBeCloseTo(score(c.a)!, 9);
    expect(mean(c.perPrompt.map((p) => p.b!))).toBeCloseTo(score(c.b)!, 9);
  });

  it("gives the same difference as the pair's cell of the board at the same level", () => {
    const vs = [
      syntheticVariant("A", lineA, { noise: 5 }),
      syntheticVariant("B", lineB, { noise: 5, seed: 2 }),
      syntheticVariant("C", lineB, { noise: 9, seed: 3 }),
    ];
    const board = rankVariants(vs, { B: 300, diversity: 0.5 });
    const cell = board.pairs.find((p) => p.a === "A" && p.b === "B")!;
    const c = compareVariants(vs[0]!, vs[1]!, { B: 300, diversity: 0.5 });
    expect(c.difference).toEqual(cell.difference);
  });

  it("explains why two variants cannot be compared at a level", () => {
    const c = compareVariants(syntheticVariant("A", lineA, { noise: 2 }), syntheticVariant("B", lineB, { noise: 2 }), {
      B: 50,
      diversity: 0.65,
    });
    expect(c.difference).toBeNull();
    expect(c.reason).toMatch(/^A: its curve reaches diversity 0.600 at most, below the comparison level 0.650/);
    expect(c.a.scored).toBe(false);
    expect(c.b.scored).toBe(true);
  });

  it("rejects variants scored on different prompts", () => {
    const other = syntheticVariant("B", lineB, { prompts: 20 });
    expect(() => compareVariants(syntheticVariant("A", lineA), other)).toThrow(AppError);
  });
});
