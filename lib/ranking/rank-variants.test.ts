import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors";
import { bootstrap, ratioOfSums } from "../metrics/bootstrap";
import { clipScoreFromMean } from "../metrics/clip-score";
import { uniform } from "../../tools/test-support/metrics";
import { holmAdjust } from "./holm";
import {
  EXTENSION_CHORD_SHARE,
  fidelityAt,
  fidelityAtExtended,
  fitMonotoneCurve,
  levelWeights,
  NEIGHBOUR_GAP_RATIO,
  runWeightsAt,
} from "./monotone-curve";
import { rankVariants } from "./rank-variants";
import { METHOD_VERSION, MIN_CALIBRATED_PROMPTS, RANKING_DEFAULTS } from "./settings";
import { studentTQuantile, studentTTwoSided } from "./student-t";
import { c4 } from "./inference";
import { simulatedPrompts, simulatedVariant, syntheticRun, syntheticVariant } from "../../tools/test-support/ranking";
import type { Ranking } from "./types";

// Straight lines over diversity 0.2–0.6: A = 80 − 50·d, B = 75 − 50·d.
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

const byId = (r: Ranking, id: string) => r.ranked.find((v) => v.variantId === id);

describe("fitMonotoneCurve and fidelityAt", () => {
  it("pools runs whose diversity rises with guidance, as in the worked example", () => {
    const blocks = fitMonotoneCurve([0.5, 0.52, 0.3], [20, 24, 30]);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ first: 2, last: 2, diversity: 0.3, clipScore: 30 });
    expect(blocks[1]!.diversity).toBeCloseTo(0.51, 12);
    expect(blocks[1]).toMatchObject({ first: 0, last: 1, clipScore: 22 });
    expect(fidelityAt(blocks, 0.4)).toBeCloseTo(30 + (0.1 / 0.21) * -8, 12);
    // Equal diversities pool too, so the fitted diversities strictly increase.
    expect(fitMonotoneCurve([0.4, 0.4], [10, 20]).map((b) => [b.diversity, b.clipScore])).toEqual([[0.4, 15]]);
    expect(fitMonotoneCurve([], [])).toEqual([]);
    expect(() => fitMonotoneCurve([0.1, NaN], [1, 2])).toThrow(/non-finite/);
  });

  it("reproduces a quadratic exactly between points, holds flat outside, and its weights sum to 1", () => {
    const f = (x: number) => 3 - 20 * x + 9 * x * x;
    // Neighbours at least NEIGHBOUR_GAP_RATIO of each segment away: the quadratics enter whole.
    const xs = [0.1, 0.18, 0.3, 0.42, 0.5];
    const blocks = xs.map((x, k) => ({ first: k, last: k, diversity: x, clipScore: f(x) }));
    const u = uniform(3);
    for (let k = 0; k < 50; k++) {
      const at = 0.1 + 0.4 * u();
      expect(fidelityAt(blocks, at)).toBeCloseTo(f(at), 10);
      const w = levelWeights(xs, at);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    }
    expect(fidelityAt(blocks, 0.05)).toBe(f(0.1));
    expect(fidelityAt(blocks, 0.9)).toBe(f(0.5));
    // Two points: the straight line.
    expect(fidelityAt(blocks.slice(0, 2), 0.14)).toBeCloseTo((f(0.1) + f(0.18)) / 2, 12);
  });

  it("tapers a quadratic through a nearly coincident neighbour towards the chord, continuously", () => {
    // Segment [0.3, 0.5] with a left neighbour at 0.3 − gap: as the gap shrinks the weights stay bounded.
    const at = 0.45;
    const weights = (gap: number) => levelWeights([0.3 - gap, 0.3, 0.5], at);
    for (const gap of [0.1, 0.01, 1e-4, 1e-8]) {
      const w = weights(gap);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      for (const x of w) expect(Math.abs(x)).toBeLessThan(1.2);
    }
    // Without the taper (v2's interpolation) the weights grow like width / gap.
    expect(Math.max(...levelWeights([0.3 - 1e-4, 0.3, 0.5], at, 0).map(Math.abs))).toBeGreaterThan(100);
    // At NEIGHBOUR_GAP_RATIO × width (0.1) and above, the quadratic is whole; just below, nearly so.
    const whole = weights(NEIGHBOUR_GAP_RATIO * 0.2);
    const justBelow = weights(NEIGHBOUR_GAP_RATIO * 0.2 - 1e-9);
    for (let k = 0; k < 3; k++) expect(justBelow[k]).toBeCloseTo(whole[k]!, 6);
  });

  it("extends a resampled curve beyond its span on a chord at least EXTENSION_CHORD_SHARE of the span long", () => {
    const blocks = [
      { first: 0, last: 0, diversity: 0.3, clipScore: 30 },
      { first: 1, last: 1, diversity: 0.3001, clipScore: 20 },
      { first: 2, last: 2, diversity: 0.5, clipScore: 10 },
    ];
    // Below the span: the adjacent block is 0.0001 away (slope −100 000); the chord goes to 0.5 instead.
    const { value, beyond } = fidelityAtExtended(blocks, 0.29);
    expect(beyond).toBe(true);
    expect(value).toBeCloseTo(30 + ((10 - 30) / 0.2) * -0.01, 10);
    expect(EXTENSION_CHORD_SHARE).toBeGreaterThan(0);
    expect(fidelityAtExtended(blocks, 0.4)).toEqual({ value: fidelityAt(blocks, 0.4), beyond: false });
  });

  it("spreads the level's weights over the pooled runs", () => {
    const blocks = fitMonotoneCurve([0.5, 0.52, 0.3], [20, 24, 30]);
    const w = runWeightsAt(blocks, 0.4, 3);
    expect(w[0]).toBeCloseTo(w[1]!, 12);
    expect(w[0]! * 20 + w[1]! * 24 + w[2]! * 30).toBeCloseTo(fidelityAt(blocks, 0.4), 12);
  });
});

describe("holmAdjust", () => {
  it("matches the worked example and keeps the input order", () => {
    const adj = holmAdjust([0.01, 0.04, 0.03]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([1.2])).toThrow(/outside/);
  });
});

describe("rankVariants: level and scores", () => {
  it("without a level for the prompt set, scores at the highest diversity every curve reaches, flagged as depending on the variants", () => {
    const r = rankVariants([
      syntheticVariant("B", lineB, { noise: 3, seed: 2 }),
      syntheticVariant("A", lineA, { noise: 3, seed: 1 }),
    ]);
    expect(r.methodVersion).toBe(METHOD_VERSION);
    expect(r.diversity).toMatchObject({ isDefault: true, source: "common-reach", dependsOnVariants: true });
    expect(r.diversity!.value).toBeCloseTo(0.6, 12);
    expect(r.window).toEqual({ low: expect.closeTo(0.2, 12), high: expect.closeTo(0.6, 12) });
    expect(r.ranked.map((v) => [v.variantId, v.rank, v.position])).toEqual([
      ["A", 1, 1],
      ["B", 2, 2],
    ]);
    expect(byId(r, "A")!.score).toBeCloseTo(50, 9);
    expect(byId(r, "B")!.score).toBeCloseTo(45, 9);
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0]).toMatchObject({ a: "A", b: "B", significant: true });
    expect(r.pairs[0]!.difference.estimate).toBeCloseTo(5, 9);
  });

  it("reads every curve at a level the reader sets, and lists a curve that does not reach it", () => {
    const short = syntheticVariant(
      "S",
      [
        [0.1, 72],
        [0.3, 62],
      ],
      { noise: 3, seed: 4 },
    );
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 3 }), short], { diversity: 0.4, B: 200 });
    expect(r.diversity).toEqual({
      value: 0.4,
      isDefault: false,
      source: "reader",
      rule: "set by the reader",
      dependsOnVariants: false,
    });
    expect(byId(r, "A")!.score).toBeCloseTo(60, 9);
    expect(r.unranked).toEqual([expect.objectContaining({ variantId: "S", reasonCode: "below_level" })]);
    expect(r.unranked[0]!.reason).toContain("reaches diversity 0.300 at most, below the comparison level 0.400");
    expect(r.unranked[0]!).toMatchObject({ outOfRange: "above", range: { low: 0.1, high: expect.closeTo(0.3, 12) } });
    // At 0.25 both are ranked: S on its line 77 − 50·d, A on 80 − 50·d.
    const low = rankVariants([syntheticVariant("A", lineA, { noise: 3 }), short], { diversity: 0.25, B: 200 });
    expect(byId(low, "S")!.score).toBeCloseTo(64.5, 9);
    expect(byId(low, "A")!.score).toBeCloseTo(67.5, 9);
  });

  it("holds a curve flat below its least diverse point and says so", () => {
    const high = syntheticVariant(
      "H",
      [
        [0.5, 58],
        [0.7, 50],
      ],
      { noise: 2 },
    );
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 2 }), high], { diversity: 0.3, B: 100 });
    expect(byId(r, "H")).toMatchObject({ extended: true, scoredAt: 0.5, outOfRange: "below" });
    expect(byId(r, "H")!.score).toBeCloseTo(58, 9);
    expect(byId(r, "A")).toMatchObject({ extended: false, scoredAt: 0.3 });
  });

  it("ranks a single-run variant by its one point when it is at least as diverse as the level", () => {
    const single = { variantId: "S", runs: [syntheticRun("S-1", 3, 0.45, 61, { noise: 2 })] };
    const r = rankVariants([syntheticVariant("A", lineA, { noise: 2 }), single], { diversity: 0.45, B: 200 });
    expect(byId(r, "S")).toMatchObject({ extended: false });
    expect(byId(r, "S")!.score).toBeCloseTo(61, 9);
    expect(byId(r, "A")!.score).toBeCloseTo(57.5, 9);
  });

  it("defines rank as 1 + the variants significantly better (Holm), for every variant of random boards", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const u = uniform(seed);
      const p = simulatedPrompts(30, u);
      const vs = ["a", "b", "c", "d", "e"].map((id, i) =>
        simulatedVariant(id, [1, 3, 6, 9, 12], p, u, { shift: i * 0.6 * (seed % 3) }),
      );
      const r = rankVariants(vs, { B: 200, seed });
      const m = r.pairs.length;
      expect(m).toBe(10);
      const raw = r.pairs.map((q) => q.difference.pValue ?? 1);
      expect(r.pairs.map((q) => q.pAdjusted)).toEqual(holmAdjust(raw));
      for (const v of r.ranked) {
        const better = r.pairs.filter(
          (q) =>
            q.significant &&
            ((q.b === v.variantId && q.difference.estimate > 0) || (q.a === v.variantId && q.difference.estimate < 0)),
        );
        if (v.dominates.length === 0) expect(v.rank).toBe(1 + better.length);
        expect(v.rankWorst).toBeGreaterThanOrEqual(v.rank);
      }
      // Listed best first: every pair has the higher-placed variant as A.
      const pos = new Map(r.ranked.map((v) => [v.variantId, v.position]));
      for (const q of r.pairs) expect(pos.get(q.a)!).toBeLessThan(pos.get(q.b)!);
    }
  });

  it("follows the significance option", () => {
    const vs = [
      syntheticVariant("A", lineA, { noise: 15, seed: 1 }),
      syntheticVariant("B", lineB, { noise: 15, seed: 2 }),
    ];
    const strict = rankVariants(vs, { B: 400, significance: 1e-9 });
    expect(strict.ranked.map((v) => v.rank)).toEqual([1, 1]);
    const loose = rankVariants(vs, { B: 400, significance: 0.999 });
    expect(loose.ranked.map((v) => v.rank)).toEqual([1, 2]);
  });
});

describe("rankVariants: bootstrap", () => {
  const variants = [syntheticVariant("A", lineA, { noise: 4 }), syntheticVariant("B", lineB, { noise: 4, seed: 2 })];

  it("is reproducible with the same seed and changes with another", () => {
    const a = rankVariants(variants, { seed: 42, B: 300 });
    expect(rankVariants(variants, { seed: 42, B: 300 })).toEqual(a);
    const c = rankVariants(variants, { seed: 43, B: 300 });
    expect(c.ranked[0]!.ci).not.toEqual(a.ranked[0]!.ci);
    expect(c.ranked.map((v) => v.score)).toEqual(a.ranked.map((v) => v.score));
  });

  it("reports the defaults and the resamples every interval rests on", () => {
    const r = rankVariants(variants, { diversity: 0.4 });
    expect(r.settings).toEqual({ ...RANKING_DEFAULTS, diversity: 0.4 });
    for (const v of r.ranked) {
      expect(v.ci).toMatchObject({
        level: 0.95,
        method: "t",
        B: 1000,
        seed: 0,
        resamples: 1000,
        dropped: 0,
        beyondSpan: 0,
        reliable: true,
        modelVariance: 0,
      });
      expect(v.replicateVariance).toMatchObject({ replicates: 1, known: false, modelSd: null });
      expect(v.ci!.low).toBeLessThan(v.score);
      expect(v.ci!.high).toBeGreaterThan(v.score);
    }
    expect(r.pairs[0]!.difference).toMatchObject({
      resamples: 1000,
      reliable: true,
      ci: { resamples: 1000, reliable: true },
    });
  });

  it("gives each run the interval lib/metrics gives it for the same seed", () => {
    const r = rankVariants(variants, { seed: 7, B: 500 });
    const run = variants[1]!.runs[2]!;
    const expected = bootstrap(
      run.prompts.length,
      ratioOfSums(
        run.prompts.map((p) => p.cosSum),
        run.prompts.map((p) => p.n),
        clipScoreFromMean,
      ),
      { seed: 7, B: 500 },
    );
    const got = byId(r, "B")!.curve.find((p) => p.runId === run.runId)!;
    expect(got.clipScore).toBeCloseTo(expected.estimate, 10);
    expect(got.ci.clipScore!.low).toBeCloseTo(expected.low, 10);
    expect(got.ci.clipScore!.high).toBeCloseTo(expected.high, 10);
  });

  it("P6: counts dropped resamples and marks an interval on < 95% of them unreliable", () => {
    // Run G-2 has a diversity on one prompt of 20 only: the resamples that miss it (about (19/20)^20 ≈ 36%) have no point for it.
    const g = syntheticVariant(
      "G",
      [
        [0.5, 55],
        [0.3, 62],
      ],
      { prompts: 20, noise: 2 },
    );
    const sparse = {
      ...g.runs[1]!,
      prompts: g.runs[1]!.prompts.map((p, i) => (i === 0 ? { ...p, diversity: 0.3 } : { ...p, diversity: null })),
    };
    const a = syntheticVariant("A", lineA, { prompts: 20, noise: 2 });
    const r = rankVariants([a, { variantId: "G", runs: [g.runs[0]!, sparse] }], { B: 400, diversity: 0.4 });
    const gv = byId(r, "G")!;
    expect(gv.ci!.dropped).toBeGreaterThan(100);
    expect(gv.ci!.resamples + gv.ci!.dropped).toBe(400);
    expect(gv.ci!.reliable).toBe(false);
    expect(byId(r, "A")!.ci).toMatchObject({ resamples: 400, reliable: true });
    expect(r.pairs[0]!.difference).toMatchObject({ resamples: gv.ci!.resamples, reliable: false });
  });

  it("builds t intervals from the bootstrap variance × G/(G − 1) and states the MDE", () => {
    const r = rankVariants(variants, { diversity: 0.4, B: 400 });
    for (const v of r.ranked) {
      const ci = v.ci!;
      const q = studentTQuantile(0.975, ci.df!);
      expect(ci.high - v.score).toBeCloseTo(q * ci.se!, 9);
      expect(v.score - ci.low).toBeCloseTo(q * ci.se!, 9);
      expect(ci.se! ** 2).toBeCloseTo(ci.promptVariance!, 12);
    }
    const d = r.pairs[0]!.difference;
    expect(d.pValue).toBeCloseTo(studentTTwoSided(d.estimate / d.ci!.se!, d.ci!.df!), 12);
    expect(d.mde).toBeCloseTo(
      ((studentTQuantile(0.975, d.ci!.df!) + studentTQuantile(0.8, d.ci!.df!)) * d.ci!.se!) / c4(d.ci!.df!),
      9,
    );
    expect(c4(7)).toBeCloseTo(0.96503, 5);
    expect(r.power).toMatchObject({
      power: 0.8,
      alpha: 0.05,
      prompts: 40,
      samplesPerPrompt: 4,
      replicates: { min: 1, max: 1 },
    });
    expect(r.power.mde).toBeCloseTo(d.mde!, 12);
    expect(r.significance).toEqual({ calibrated: true, withheld: null, minPrompts: MIN_CALIBRATED_PROMPTS });
  });

  it("withholds significance below MIN_CALIBRATED_PROMPTS prompts, and says so", () => {
    const few = [
      syntheticVariant("A", lineA, { noise: 1, prompts: 6 }),
      syntheticVariant("B", lineB, { noise: 1, prompts: 6, seed: 2 }),
    ];
    const r = rankVariants(few, { diversity: 0.4, B: 200 });
    expect(r.pairs[0]!.difference.pValue).toBeLessThan(0.05);
    expect(r.pairs[0]!.significant).toBe(false);
    expect(r.ranked.map((v) => v.rank)).toEqual([1, 1]);
    expect(r.significance.calibrated).toBe(false);
    expect(r.significance.withheld).toMatch(/^6 prompts: below 8 prompts the tests are not calibrated/);
  });

  it("clamps score intervals to [0, 100] and says so, never a difference's", () => {
    const low = [
      syntheticVariant(
        "L",
        [
          [0.2, 1],
          [0.4, 0.5],
        ],
        { noise: 12, prompts: 10 },
      ),
      syntheticVariant(
        "M",
        [
          [0.2, 2],
          [0.4, 1.5],
        ],
        { noise: 12, prompts: 10, seed: 3 },
      ),
    ];
    const r = rankVariants(low, { diversity: 0.3, B: 200 });
    const l = byId(r, "L")!;
    expect(l.ci).toMatchObject({ low: 0, clamped: true });
    expect(r.pairs[0]!.difference.ci!.clamped).toBe(false);
  });

  it("scores a variant with replicates as the mean of its replicates, with the between-replicate SD in its interval", () => {
    // Two copies of one recipe, 2 points apart: the model part widens the interval.
    const copy = (label: string, shift: number, seed: number) =>
      syntheticVariant(
        `R-${label}`,
        lineA.map(([d, c]) => [d, c + shift] as const),
        { noise: 2, seed },
      ).runs.map((run) => ({ ...run, runId: `${label}-${run.runId}`, replicate: label }));
    const rep = { variantId: "R", runs: [...copy("s1", 1, 5), ...copy("s2", -1, 6)] };
    const one = {
      variantId: "O",
      runs: copy("s1", 1, 5).map((run) => ({ ...run, runId: `o-${run.runId}`, replicate: null })),
    };
    const r = rankVariants([rep, one], { diversity: 0.4, B: 400 });
    const v = byId(r, "R")!;
    expect(v.score).toBeCloseTo(60, 9);
    expect(v.replicates.map((x) => [x.label, x.score])).toEqual([
      ["s1", expect.closeTo(61, 9)],
      ["s2", expect.closeTo(59, 9)],
    ]);
    expect(v.replicateVariance).toMatchObject({ replicates: 2, known: true, scoreSd: expect.closeTo(Math.SQRT2, 9) });
    expect(v.ci!.modelVariance).toBeGreaterThan(0.5);
    expect(v.ci!.df!).toBeLessThan(10);
    expect(byId(r, "O")!.replicateVariance).toMatchObject({ replicates: 1, known: false });
    expect(r.power.replicates).toEqual({ min: 1, max: 2 });
    // A curve of one replicate that does not reach the level leaves the variant unranked, naming it.
    const short = {
      variantId: "S",
      runs: [
        ...copy("s1", 0, 7),
        ...syntheticVariant("S2", [
          [0.2, 70],
          [0.3, 65],
        ]).runs.map((run) => ({ ...run, runId: `s2-${run.runId}`, replicate: "s2" })),
      ],
    };
    const r2 = rankVariants([short], { diversity: 0.4, B: 50 });
    expect(r2.unranked[0]!.reason).toMatch(/^replicate "s2" reaches diversity 0.300 at most/);
  });

  it("returns plain JSON", () => {
    const r = rankVariants([...variants, { variantId: "S", runs: [syntheticRun("S-1", 2, 0.4, 50)] }], { B: 50 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe("rankVariants: input checks", () => {
  it("rejects runs scored on different prompt ids, naming the run and the prompts", () => {
    const a = syntheticVariant("A", lineA);
    const b = syntheticVariant("B", lineB);
    const broken = {
      ...b.runs[1]!,
      prompts: b.runs[1]!.prompts.map((p) => (p.promptId === 3 ? { ...p, promptId: 99 } : p)),
    };
    const call = () => rankVariants([a, { variantId: "B", runs: [b.runs[0]!, broken, b.runs[2]!] }]);
    expect(call).toThrow(AppError);
    expect(call).toThrow(
      /prompt ids do not match across runs: run "B-2" of variant "B" lacks prompts 3 and has prompts 99 that run "A-1" of variant "A" lacks/,
    );
  });

  it("rejects repeated ids, impossible statistics and bad options", () => {
    const a = syntheticVariant("A", lineA);
    expect(() => rankVariants([a, a])).toThrow(/variant "A" is listed twice/);
    const bad = (patch: object) => ({
      variantId: "X",
      runs: [
        { ...a.runs[0]!, runId: "x", prompts: a.runs[0]!.prompts.map((p, i) => (i === 0 ? { ...p, ...patch } : p)) },
      ],
    });
    expect(() => rankVariants([bad({ cosSum: 5, n: 4 })])).toThrow(/within \[−n, n\]/);
    expect(() => rankVariants([bad({ diversity: 35 })])).toThrow(/diversity lies in \[0, 2\]/);
    expect(() => rankVariants([a], { B: 0 })).toThrow();
    expect(() => rankVariants([a], { diversity: 2.5 })).toThrow();
    expect(() => rankVariants([a], { diversity: -0.1 })).toThrow();
  });

  it("ranks nobody, with reasons, when no run has a point", () => {
    const noDiv = {
      variantId: "N",
      runs: [
        {
          ...syntheticRun("N-1", 1, 0.3, 50),
          prompts: syntheticRun("N-1", 1, 0.3, 50).prompts.map((p) => ({ ...p, diversity: null })),
        },
      ],
    };
    const r = rankVariants([noDiv, { variantId: "E", runs: [] }], { B: 20 });
    expect(r.diversity).toBeNull();
    expect(r.ranked).toEqual([]);
    expect(r.unranked.map((v) => v.reasonCode).sort()).toEqual(["no_runs", "no_scored_runs"]);
  });
});
