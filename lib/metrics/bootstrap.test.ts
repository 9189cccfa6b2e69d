import { describe, expect, it } from "vitest";
import {
  bootstrap,
  bootstrapMany,
  pairedBootstrap,
  quantileSorted,
  ratioOfSums,
  type GroupStatistic,
} from "./bootstrap";
import { MetricInputError } from "./errors";
import { gaussian, uniform } from "../../tools/test-support/metrics";

function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => mean + sd * gaussian(u));
}

const ones = (n: number) => new Array<number>(n).fill(1);

/** Wraps a statistic so the resampled index arrays it sees are recorded. */
function recording(stat: GroupStatistic): { stat: GroupStatistic; seen: number[][]; values: (number | null)[] } {
  const seen: number[][] = [];
  const values: (number | null)[] = [];
  return {
    seen,
    values,
    stat: (idx) => {
      const v = stat(idx);
      seen.push([...idx]);
      values.push(v);
      return v;
    },
  };
}

describe("percentile bootstrap", () => {
  const x = normals(200, 1, 0.3, 0.1);
  const mean = ratioOfSums(x, ones(x.length));

  it("same seed gives identical intervals, another seed a different one", () => {
    const a = bootstrap(x.length, mean, { seed: 123 });
    const b = bootstrap(x.length, mean, { seed: 123 });
    const c = bootstrap(x.length, mean, { seed: 124 });
    expect(b).toEqual(a);
    expect([c.low, c.high]).not.toEqual([a.low, a.high]);
    expect(c.estimate).toBe(a.estimate);
  });

  it("reports defaults, contains the estimate, and has about the normal-theory width", () => {
    const r = bootstrap(x.length, mean);
    expect(r).toMatchObject({ level: 0.95, B: 1000, seed: 0, dropped: 0 });
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    expect(r.estimate).toBeCloseTo(m, 12);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    // sample sd of x ≈ 0.1, so the 95% half-width ≈ 1.96·sd/√200; allow 20%.
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
    const half = (1.96 * sd) / Math.sqrt(x.length);
    expect((r.high - r.low) / 2).toBeGreaterThan(0.8 * half);
    expect((r.high - r.low) / 2).toBeLessThan(1.2 * half);
    const wider = bootstrap(x.length, mean, { level: 0.99 });
    expect(wider.high - wider.low).toBeGreaterThan(r.high - r.low);
  });

  it("gives a zero-width interval when all groups are equal", () => {
    const r = bootstrap(50, ratioOfSums(new Array<number>(50).fill(0.7), ones(50)));
    expect(r.low).toBe(r.estimate);
    expect(r.high).toBe(r.estimate);
    expect(r.estimate).toBeCloseTo(0.7, 12);
  });

  it("ratioOfSums weights groups by their denominators and applies the transform", () => {
    // group sums 3 (of 2 items) and 1 (of 2 items), 0 (of 0 items): (3 + 1)/(2 + 2) = 1, transform ×10
    const stat = ratioOfSums([3, 1, 0], [2, 2, 0], (r) => 10 * r);
    expect(stat(Uint32Array.of(0, 1, 2))).toBe(10);
    expect(stat(Uint32Array.of(0, 0, 2))).toBe(15); // (3 + 3)/(2 + 2) = 1.5
    expect(stat(Uint32Array.of(2, 2, 2))).toBeNull(); // no items drawn
  });

  it("drops resamples where the statistic is undefined and counts them", () => {
    // Only group 0 has a value: a resample of 3 misses it with probability (2/3)^3 ≈ 0.30.
    const r = bootstrap(3, ratioOfSums([0.5, 0, 0], [1, 0, 0]));
    expect(r.dropped).toBeGreaterThan(200);
    expect(r.dropped).toBeLessThan(400);
    expect([r.low, r.high]).toEqual([0.5, 0.5]);
  });

  it("bootstrapMany evaluates every statistic on the same resamples as bootstrap", () => {
    const a = recording(mean);
    const b = recording(
      ratioOfSums(
        x.map((v) => v * v),
        ones(x.length),
      ),
    );
    const many = bootstrapMany(x.length, { a: a.stat, b: b.stat }, { B: 50, seed: 9 });
    expect(a.seen).toEqual(b.seen);
    expect(many.a).toEqual(bootstrap(x.length, mean, { B: 50, seed: 9 }));
  });

  it("matches numpy's default (linear) percentiles", () => {
    // [1,2,3,4] at p = 0.25: h = 3·0.25 = 0.75 → 1 + 0.75·(2 − 1) = 1.75; p = 1 → 4
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([5], 0.5)).toBe(5);
  });

  it("is fast enough for 1000 resamples × 3000 prompts", () => {
    const y = normals(3000, 2);
    const t0 = performance.now();
    bootstrapMany(y.length, { a: ratioOfSums(y, ones(3000)), b: ratioOfSums(ones(3000), ones(3000)) });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("rejects bad arguments", () => {
    expect(() => bootstrap(0, mean)).toThrow("bootstrap needs at least 1 group, got 0");
    expect(() => bootstrap(3, mean, { B: 0 })).toThrow("B must be an integer >= 1, got 0");
    expect(() => bootstrap(3, mean, { level: 95 })).toThrow(
      "level must be strictly between 0 and 1 (e.g. 0.95), got 95",
    );
    expect(() => bootstrap(3, mean, { seed: -1 })).toThrow("seed must be an integer in [0, 4294967295], got -1");
    expect(() => bootstrap(3, mean, { seed: 1.5 })).toThrow(MetricInputError);
    expect(() => ratioOfSums([1, 2], [1])).toThrow("got 2 numerators and 1 denominators");
    expect(() => ratioOfSums([NaN], [1])).toThrow(MetricInputError);
    expect(() => bootstrap(2, () => null)).toThrow('statistic "value" is undefined on the full sample');
  });
});

describe("paired bootstrap", () => {
  const base = normals(300, 3, 0.3, 0.05);

  it("identical runs: difference 0, zero-width interval, p = 1", () => {
    const s = ratioOfSums(base, ones(base.length));
    const r = pairedBootstrap(base.length, s, ratioOfSums([...base], ones(base.length)));
    expect(r).toMatchObject({ estimate: 0, low: 0, high: 0, pValue: 1 });
    expect(r.a).toBe(r.b);
  });

  it("clearly different runs: interval excludes 0 and p < 0.05", () => {
    // Run B scores every prompt 0.01 lower plus prompt-level noise (sd 0.01).
    const noise = normals(base.length, 4, 0, 0.01);
    const worse = base.map((v, i) => v - 0.01 + noise[i]!);
    const r = pairedBootstrap(base.length, ratioOfSums(base, ones(300)), ratioOfSums(worse, ones(300)));
    expect(r.estimate).toBeGreaterThan(0);
    expect(r.low).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.05);
    // Unpaired, the prompt-to-prompt spread (sd 0.05) would hide this difference:
    // the per-run intervals overlap.
    const ca = bootstrap(300, ratioOfSums(base, ones(300)));
    const cb = bootstrap(300, ratioOfSums(worse, ones(300)));
    expect(cb.high).toBeGreaterThan(ca.low);
  });

  it("resamples the same prompts for both runs and follows the documented p-value convention", () => {
    const noise = normals(40, 5, 0, 0.02);
    const other = base.slice(0, 40).map((v, i) => v - 0.004 + noise[i]!);
    const a = recording(ratioOfSums(base.slice(0, 40), ones(40)));
    const b = recording(ratioOfSums(other, ones(40)));
    const r = pairedBootstrap(40, a.stat, b.stat, { B: 400, seed: 17 });
    expect(a.seen).toEqual(b.seen);
    // Recompute p from the recorded resamples (the first call of each is the full sample).
    const diffs = a.values.slice(1).map((v, i) => v! - b.values[i + 1]!);
    const otherSide = diffs.filter((d) => (r.estimate > 0 ? d <= 0 : d >= 0)).length;
    expect(r.pValue).toBeCloseTo(Math.min(1, (2 * otherSide) / diffs.length), 12);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1);
    expect(r.estimate).toBeCloseTo(r.a - r.b, 12);
  });

  it("the p-value is symmetric in the order of the runs", () => {
    const other = normals(60, 6, 0.3, 0.05);
    const sa = ratioOfSums(base.slice(0, 60), ones(60));
    const sb = ratioOfSums(other, ones(60));
    const ab = pairedBootstrap(60, sa, sb, { seed: 3 });
    const ba = pairedBootstrap(60, sb, sa, { seed: 3 });
    expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
    expect(ba.estimate).toBeCloseTo(-ab.estimate, 12);
    expect(ba.low).toBeCloseTo(-ab.high, 12);
  });
});
