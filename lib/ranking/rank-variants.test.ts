import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { bootstrap, ratioOfSums } from "../metrics/bootstrap";
import { clipScoreFromMean } from "../metrics/clip-score";
import { rankVariants } from "./rank-variants";
import { RANKING_DEFAULTS } from "./settings";
import { syntheticRun, syntheticVariant } from "./test-helpers";
import type { Ranking, RankingVariant } from "./types";

// Straight lines over diversity 0.2–0.6: A = 80 − 50·d, B = 75 − 50·d; means 60 and 55.
const lineA = [
  [0.2, 70],
  [0.4, 60],
  [0.6, 50],
] as const;
const lineB = [
  [0.2, 65],
  [0.4, 55],
  [0.6, 45],
] as const;
// Kinked front (mean 61.5 on 0.2–0.6) plus a dominated run at (0.25, 60).
const kinked = [
  [0.2, 70],
  [0.25, 60],
  [0.3, 68],
  [0.6, 50],
] as const;

const byId = (r: Ranking, id: string) => r.ranked.find((v) => v.variantId === id) ?? r.unranked.find((v) => v.variantId === id);
const unrankedById = (r: Ranking, id: string) => r.unranked.find((v) => v.variantId === id)!;

describe("rankVariants: scores", () => {
  it("ranks straight-line fronts by their midpoint value over the common interval", () => {
    const r = rankVariants([syntheticVariant("B", lineB, { noise: 3, seed: 2 }), syntheticVariant("A", lineA, { noise: 3, seed: 1 })]);
    expect(r.interval!.lo).toBeCloseTo(0.2, 12);
    expect(r.interval!.hi).toBeCloseTo(0.6, 12);
    expect(r.ranked.map((v) => v.variantId)).toEqual(["A", "B"]);
    expect(r.ranked[0]!.score).toBeCloseTo(60, 9);
    expect(r.ranked[1]!.score).toBeCloseTo(55, 9);
    expect(r.ranked.map((v) => [v.rank, v.rankLabel, v.tiedWithPrevious])).toEqual([
      [1, "1", false],
      [2, "2", false],
    ]);
    expect(r.ranked[0]!.pValueVsNext).toBeLessThan(0.05);
    expect(r.ranked[0]!.differenceVsNext!.estimate).toBeCloseTo(5, 9);
    expect(r.ranked[1]!.pValueVsNext).toBeUndefined();
    expect(r.unranked).toEqual([]);
  });

  it("leaves dominated runs off the front and integrates the kink", () => {
    const r = rankVariants([syntheticVariant("K", kinked, { noise: 2 }), syntheticVariant("A", lineA, { noise: 2 })]);
    const k = byId(r, "K")!;
    expect(k.front.map((p) => p.runId)).toEqual(["K-1", "K-3", "K-4"]);
    expect(k.curve.map((p) => [p.runId, p.onFront])).toEqual([
      ["K-1", true],
      ["K-2", false],
      ["K-3", true],
      ["K-4", true],
    ]);
    expect(r.ranked.find((v) => v.variantId === "K")!.score).toBeCloseTo(61.5, 9);
    expect(r.ranked.map((v) => v.variantId)).toEqual(["K", "A"]);
    expect(k.hypervolume).toBeCloseTo(35.8, 9);
    expect(k.bestClipScore).toBeCloseTo(70, 9);
    expect(k.bestDiversity).toBeCloseTo(0.6, 9);
    expect(k.runs).toBe(4);
    expect(k.prompts).toBe(40);
  });

  it("sorts the curve by guidance scale and takes the best of each column", () => {
    const v = syntheticVariant("V", lineA, { noise: 2 });
    const vendis = [2.5, null, 3.25];
    const runs = v.runs.map((run, i) => ({ ...run, guidanceScale: [9, 3, 6][i]!, vendi: vendis[i] }));
    const r = rankVariants([{ variantId: "V", runs: [runs[2]!, runs[0]!, runs[1]!] }], { B: 50 });
    const ranked = r.ranked[0]!;
    expect(ranked.curve.map((p) => [p.guidanceScale, p.runId])).toEqual([
      [3, "V-2"],
      [6, "V-3"],
      [9, "V-1"],
    ]);
    expect(ranked.front.map((p) => p.runId)).toEqual(["V-1", "V-2", "V-3"]);
    expect(ranked.bestVendi).toBe(3.25);
    expect(ranked.bestClipScore).toBeCloseTo(70, 9);
    expect(ranked.bestDiversity).toBeCloseTo(0.6, 9);
    // 0.2·70 + 0.2·60 + 0.2·50
    expect(ranked.hypervolume).toBeCloseTo(36, 9);
  });

  it("ranks a variant dominated everywhere last", () => {
    const worse = syntheticVariant("W", [
      [0.15, 60],
      [0.35, 52],
      [0.65, 40],
    ], { noise: 2, seed: 3 });
    const r = rankVariants([worse, syntheticVariant("A", lineA, { noise: 2 }), syntheticVariant("B", lineB, { noise: 2, seed: 2 })]);
    expect(r.ranked.map((v) => v.variantId)).toEqual(["A", "B", "W"]);
    expect(r.ranked[2]!.tiedWithPrevious).toBe(false);
  });

  it("ties two identical variants with p = 1", () => {
    const a = syntheticVariant("A", lineA, { noise: 3 });
    const copy = { variantId: "A2", runs: a.runs.map((run) => ({ ...run, runId: `${run.runId}-copy` })) };
    const r = rankVariants([copy, a, syntheticVariant("B", lineB, { noise: 3, seed: 2 })]);
    expect(r.ranked.map((v) => [v.variantId, v.rank, v.rankLabel, v.tiedWithPrevious])).toEqual([
      ["A", 1, "1", false],
      ["A2", 1, "=1", true],
      ["B", 3, "3", false],
    ]);
    expect(r.ranked[0]!.pValueVsNext).toBe(1);
    expect(r.ranked[0]!.differenceVsNext!.ci).toMatchObject({ low: 0, high: 0 });
  });

  it("chains ties and follows the significance option", () => {
    // 1 and 2 CLIPScore points below A, with per-prompt noise of ±10 on 40 prompts.
    const shifted = (id: string, by: number, seed: number) => syntheticVariant(id, lineA.map(([d, c]) => [d, c - by] as const), { noise: 10, seed });
    const close = [syntheticVariant("A", lineA, { noise: 10 }), shifted("B", 1, 5), shifted("C", 2, 6)];
    const r = rankVariants(close);
    const [pAB, pBC] = [r.ranked[0]!.pValueVsNext!, r.ranked[1]!.pValueVsNext!];
    expect(pAB).toBeGreaterThanOrEqual(0.05);
    expect(pBC).toBeGreaterThanOrEqual(0.05);
    // C is tied with B, B with A, so C shares A's rank.
    expect(r.ranked.map((v) => [v.variantId, v.rank, v.rankLabel])).toEqual([
      ["A", 1, "1"],
      ["B", 1, "=1"],
      ["C", 1, "=1"],
    ]);
    // A threshold between the two p-values separates C only.
    expect(pBC).toBeLessThan(pAB);
    const stricter = rankVariants(close, { significance: (pAB + pBC) / 2 });
    expect(stricter.ranked.map((v) => v.rankLabel)).toEqual(["1", "=1", "3"]);
  });
});

describe("rankVariants: unranked variants", () => {
  it("lists a single-run variant with the reason", () => {
    const single: RankingVariant = { variantId: "S", runs: [syntheticRun("S-1", 7.5, 0.4, 65, { noise: 2 })] };
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 2 }), single, syntheticVariant("B", lineB, { noise: 2, seed: 2 })]);
    expect(r.ranked.map((v) => v.variantId)).toEqual(["A", "B"]);
    expect(r.unranked).toHaveLength(1);
    expect(r.unranked[0]).toMatchObject({ variantId: "S", reasonCode: "one_run", reason: "one run only: a curve needs runs at ≥ 2 guidance scales", runs: 1 });
    expect(r.unranked[0]!.front).toHaveLength(1);
    expect(r.unranked[0]!.curve[0]!.ci.clipScore).not.toBeNull();
    // With no other curve, the one curve is ranked alone over its own span.
    const alone = rankVariants([single, syntheticVariant("A", lineA, { noise: 2 })]);
    expect(alone.ranked.map((v) => [v.variantId, v.rankLabel])).toEqual([["A", "1"]]);
    expect(alone.interval!.lo).toBeCloseTo(0.2, 12);
    expect(alone.interval!.hi).toBeCloseTo(0.6, 12);
  });

  it("lists a variant whose front does not reach the common interval", () => {
    const far = syntheticVariant("F", [
      [0.7, 40],
      [0.9, 30],
    ], { noise: 2, seed: 4 });
    const partial = syntheticVariant("P", [
      [0.3, 70],
      [0.8, 45],
    ], { noise: 2, seed: 6 });
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 2 }), far, syntheticVariant("B", lineB, { noise: 2, seed: 2 }), partial]);
    // P reaches 0.3–0.6 of A and B; all three overlap there, F does not.
    expect(r.interval!.lo).toBeCloseTo(0.3, 12);
    expect(r.interval!.hi).toBeCloseTo(0.6, 12);
    expect(r.ranked.map((v) => v.variantId).sort()).toEqual(["A", "B", "P"]);
    expect(r.unranked.map((v) => [v.variantId, v.reasonCode, v.reason])).toEqual([
      ["F", "outside_interval", "front spans diversity 0.700–0.900, outside the common interval 0.300–0.600"],
    ]);
  });

  it("says why when no fronts overlap, when the front is one point, or when nothing was scored", () => {
    const dominated: RankingVariant = {
      variantId: "D",
      runs: [syntheticRun("D-1", 3, 0.5, 70), syntheticRun("D-2", 5, 0.4, 60, { seed: 9 })],
    };
    const noDiversity: RankingVariant = {
      variantId: "N",
      runs: [{ runId: "N-1", guidanceScale: 1, prompts: syntheticRun("x", 1, 0.3, 60).prompts.map((p) => ({ ...p, diversity: null })) }],
    };
    const r = rankVariants([
      syntheticVariant("A", [
        [0.1, 70],
        [0.2, 60],
      ]),
      syntheticVariant("Z", [
        [0.6, 50],
        [0.8, 40],
      ]),
      dominated,
      noDiversity,
      { variantId: "E", runs: [] },
    ]);
    expect(r.interval).toBeNull();
    expect(r.ranked).toEqual([]);
    expect(Object.fromEntries(r.unranked.map((v) => [v.variantId, v.reasonCode]))).toEqual({
      A: "no_common_interval",
      Z: "no_common_interval",
      D: "single_point_front",
      N: "no_scored_runs",
      E: "no_runs",
    });
    expect(unrankedById(r, "D").reason).toMatch(/single point \(run D-1, guidance 3\)/);
    expect(unrankedById(r, "A").reason).toMatch(/no common interval \(this front spans diversity 0\.100–0\.200\)/);
  });
});

describe("rankVariants: bootstrap", () => {
  const variants = [syntheticVariant("A", lineA, { noise: 4 }), syntheticVariant("B", lineB, { noise: 4, seed: 2 }), syntheticVariant("K", kinked, { noise: 4, seed: 3 })];

  it("is reproducible with the same seed and changes with another", () => {
    const a = rankVariants(variants, { seed: 42, B: 300 });
    const b = rankVariants(variants, { seed: 42, B: 300 });
    const c = rankVariants(variants, { seed: 43, B: 300 });
    expect(b).toEqual(a);
    expect(c.ranked[0]!.ci).not.toEqual(a.ranked[0]!.ci);
    expect(c.ranked.map((v) => v.score)).toEqual(a.ranked.map((v) => v.score));
  });

  it("reports the defaults and intervals that contain the estimates", () => {
    const r = rankVariants(variants);
    expect(r.settings).toEqual(RANKING_DEFAULTS);
    for (const v of r.ranked) {
      expect(v.ci).toMatchObject({ level: 0.95, B: 1000, seed: 0, dropped: 0 });
      expect(v.ci!.low).toBeLessThan(v.score);
      expect(v.ci!.high).toBeGreaterThan(v.score);
      for (const p of v.curve) {
        expect(p.ci.clipScore!.low).toBeLessThanOrEqual(p.clipScore!);
        expect(p.ci.clipScore!.high).toBeGreaterThanOrEqual(p.clipScore!);
        expect(p.ci.diversity!.low).toBeLessThanOrEqual(p.diversity!);
        expect(p.ci.diversity!.high).toBeGreaterThanOrEqual(p.diversity!);
      }
    }
  });

  it("gives each run the interval lib/metrics gives it for the same seed", () => {
    const r = rankVariants(variants, { seed: 7, B: 500 });
    const run = variants[1]!.runs[2]!;
    const cos = run.prompts.map((p) => p.cosSum);
    const n = run.prompts.map((p) => p.n);
    const expected = bootstrap(run.prompts.length, ratioOfSums(cos, n, clipScoreFromMean), { seed: 7, B: 500 });
    const got = byId(r, "B")!.curve.find((p) => p.runId === run.runId)!;
    expect(got.clipScore).toBeCloseTo(expected.estimate, 10);
    expect(got.ci.clipScore!.low).toBeCloseTo(expected.low, 10);
    expect(got.ci.clipScore!.high).toBeCloseTo(expected.high, 10);
  });

  it("drops and counts resamples in which a variant's front collapses", () => {
    // Two runs 0.01 apart in diversity and 0.2 in CLIPScore: on resamples one often dominates the other.
    const fragile = syntheticVariant("G", [
      [0.3, 60],
      [0.31, 59.8],
    ], { noise: 6, seed: 8 });
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 2 }), fragile], { B: 400 });
    const g = r.ranked.find((v) => v.variantId === "G")!;
    expect(g.ci!.dropped).toBeGreaterThan(0);
    expect(g.ci!.dropped).toBeLessThan(400);
  });

  it("returns plain JSON", () => {
    const r = rankVariants([...variants, { variantId: "S", runs: [syntheticRun("S-1", 2, 0.4, 50)] }], { B: 50 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("ranks 4 variants × 5 runs × 500 prompts with B = 1000 well under a second or two", () => {
    const curve = (shift: number) =>
      [0.15, 0.25, 0.35, 0.45, 0.55].map((d) => [d + shift / 100, 78 - 40 * d - shift] as const);
    const big = ["a", "b", "c", "d"].map((id, i) => syntheticVariant(id, curve(i), { prompts: 500, noise: 5, seed: i + 1 }));
    const t0 = performance.now();
    const r = rankVariants(big);
    const ms = performance.now() - t0;
    expect(r.ranked).toHaveLength(4);
    expect(ms).toBeLessThan(2000);
  });
});

describe("rankVariants: input checks", () => {
  it("rejects runs scored on different prompt ids, naming the run and the prompts", () => {
    const a = syntheticVariant("A", lineA);
    const b = syntheticVariant("B", lineB);
    const broken = { ...b.runs[1]!, prompts: b.runs[1]!.prompts.map((p) => (p.promptId === 3 ? { ...p, promptId: 99 } : p)) };
    const call = () => rankVariants([a, { variantId: "B", runs: [b.runs[0]!, broken, b.runs[2]!] }]);
    expect(call).toThrow(AppError);
    expect(call).toThrow(/prompt ids do not match across runs: run "B-2" of variant "B" lacks prompts 3 and has prompts 99 that run "A-1" of variant "A" lacks/);
    try {
      call();
    } catch (e) {
      expect((e as AppError).status).toBe(422);
      expect((e as AppError).details).toMatchObject({ missing: [3], extra: [99] });
    }
  });

  it("rejects a missing prompt, a repeated prompt, repeated ids and impossible statistics", () => {
    const a = syntheticVariant("A", lineA);
    const shortRun = { ...a.runs[1]!, prompts: a.runs[1]!.prompts.slice(1) };
    expect(() => rankVariants([{ variantId: "A", runs: [a.runs[0]!, shortRun] }])).toThrow(/lacks prompts 1 /);
    const repeated = { ...a.runs[1]!, prompts: [...a.runs[1]!.prompts.slice(1), a.runs[1]!.prompts[1]!] };
    expect(() => rankVariants([{ variantId: "A", runs: [a.runs[0]!, repeated] }])).toThrow(/lists prompt 2 twice/);
    expect(() => rankVariants([a, a])).toThrow(/variant "A" is listed twice/);
    expect(() => rankVariants([a, { variantId: "B", runs: [a.runs[0]!] }])).toThrow(/is listed twice/);
    const bad = (patch: object) => ({ variantId: "X", runs: [{ ...a.runs[0]!, runId: "x", prompts: a.runs[0]!.prompts.map((p, i) => (i === 0 ? { ...p, ...patch } : p)) }] });
    expect(() => rankVariants([bad({ cosSum: 5, n: 4 })])).toThrow(/within \[−n, n\]/);
    expect(() => rankVariants([bad({ n: 1.5 })])).toThrow(/integer >= 0/);
    expect(() => rankVariants([bad({ diversity: 35 })])).toThrow(/diversity lies in \[0, 2\]/);
    expect(() => rankVariants([{ variantId: "X", runs: [{ ...a.runs[0]!, guidanceScale: NaN }] }])).toThrow(/guidance scale NaN/);
    expect(() => rankVariants([a], { B: 0 })).toThrow();
    expect(() => rankVariants([a], { level: 1 })).toThrow();
  });

  it("accepts the same prompts in another order", () => {
    const a = syntheticVariant("A", lineA, { noise: 2 });
    const shuffled = { variantId: "A", runs: a.runs.map((run, i) => (i === 1 ? { ...run, prompts: [...run.prompts].reverse() } : run)) };
    expect(rankVariants([shuffled], { B: 100 })).toEqual(rankVariants([a], { B: 100 }));
  });
});
