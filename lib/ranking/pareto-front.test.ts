import { describe, expect, it } from "vitest";
import { uniform } from "../metrics/test-helpers";
import { hypervolume, interpolationWeights, meanOnInterval, paretoFront, type PlanePoint } from "./pareto-front";

const pts = (xs: [number, number][]): PlanePoint[] => xs.map(([diversity, clipScore]) => ({ diversity, clipScore }));

/** Independent check: midpoint Riemann sum of the interpolated curve. */
function riemannMean(front: PlanePoint[], lo: number, hi: number, steps = 200_000): number {
  const at = (x: number) => {
    for (let i = 0; i + 1 < front.length; i++) {
      const a = front[i]!;
      const b = front[i + 1]!;
      if (x >= a.diversity && x <= b.diversity) return a.clipScore + ((x - a.diversity) / (b.diversity - a.diversity)) * (b.clipScore - a.clipScore);
    }
    throw new Error(`x = ${x} off the front`);
  };
  let s = 0;
  const h = (hi - lo) / steps;
  for (let k = 0; k < steps; k++) s += at(lo + (k + 0.5) * h);
  return s / steps;
}

describe("paretoFront", () => {
  it("keeps the non-dominated runs, by increasing diversity", () => {
    // (0.25, 60) is below the segment's ends and dominated by (0.3, 68); (0.1, 65) by (0.2, 70).
    const p = pts([
      [0.6, 50],
      [0.25, 60],
      [0.2, 70],
      [0.3, 68],
      [0.1, 65],
    ]);
    expect(paretoFront(p)).toEqual([2, 3, 0]);
  });

  it("drops a run equal on one axis and worse on the other, and keeps the first of exact duplicates", () => {
    const p = pts([
      [0.3, 60],
      [0.3, 55],
      [0.2, 60],
      [0.3, 60],
    ]);
    expect(paretoFront(p)).toEqual([0]);
  });

  it("skips runs with an undefined coordinate", () => {
    expect(paretoFront(pts([[NaN, 90], [0.3, 50], [0.5, NaN]]))).toEqual([1]);
    expect(paretoFront([])).toEqual([]);
  });
});

describe("meanOnInterval", () => {
  it("a straight line's mean is its value at the midpoint", () => {
    const line = pts([
      [0.2, 70],
      [0.4, 60],
      [0.6, 50],
    ]);
    expect(meanOnInterval(line, 0.2, 0.6)).toBeCloseTo(60, 12);
    expect(meanOnInterval(line, 0.3, 0.5)).toBeCloseTo(60, 12);
  });

  it("integrates a kinked front by hand", () => {
    const kink = pts([
      [0.2, 70],
      [0.3, 68],
      [0.6, 50],
    ]);
    // (0.1·(70 + 68)/2 + 0.3·(68 + 50)/2) / 0.4 = 24.6 / 0.4
    expect(meanOnInterval(kink, 0.2, 0.6)).toBeCloseTo(61.5, 12);
    // f(0.25) = 69, f(0.45) = 59: (0.05·(69 + 68)/2 + 0.15·(68 + 59)/2) / 0.2 = 12.95 / 0.2
    expect(meanOnInterval(kink, 0.25, 0.45)).toBeCloseTo(64.75, 12);
  });

  it("at lo = hi gives the interpolated value there", () => {
    const kink = pts([
      [0.2, 70],
      [0.3, 68],
      [0.6, 50],
    ]);
    expect(meanOnInterval(kink, 0.45, 0.45)).toBeCloseTo(59, 12);
    expect(meanOnInterval(kink, 0.3, 0.3)).toBe(68);
    expect(meanOnInterval(kink, 0.6, 0.6)).toBe(50);
  });

  it("agrees with a Riemann sum on random fronts, and its weights sum to 1", () => {
    const u = uniform(7);
    for (let t = 0; t < 20; t++) {
      const m = 2 + Math.floor(u() * 5);
      let x = u() * 0.3;
      let y = 60 + u() * 20;
      const front: PlanePoint[] = [];
      for (let i = 0; i < m; i++) {
        front.push({ diversity: x, clipScore: y });
        x += 0.01 + u() * 0.1;
        y -= 0.1 + u() * 5;
      }
      const a = front[0]!.diversity;
      const b = front[m - 1]!.diversity;
      const lo = a + u() * (b - a) * 0.5;
      const hi = lo + u() * (b - lo);
      expect(meanOnInterval(front, lo, hi)).toBeCloseTo(riemannMean(front, lo, hi), 6);
      const w = interpolationWeights(front.map((p) => p.diversity), lo, hi);
      expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    }
  });

  it("refuses an interval the front does not cover", () => {
    const f = pts([
      [0.2, 70],
      [0.4, 60],
    ]);
    expect(() => meanOnInterval(f, 0.1, 0.3)).toThrow(/not covered/);
    expect(() => meanOnInterval(f, 0.3, 0.5)).toThrow(/not covered/);
    expect(() => meanOnInterval([], 0.3, 0.3)).toThrow(/not covered/);
  });
});

describe("hypervolume", () => {
  it("is the union of the rectangles down to the reference point", () => {
    const kink = pts([
      [0.2, 70],
      [0.3, 68],
      [0.6, 50],
    ]);
    // 0.2·70 + (0.3 − 0.2)·68 + (0.6 − 0.3)·50
    expect(hypervolume(kink)).toBeCloseTo(35.8, 12);
    expect(hypervolume(pts([[0.5, 40]]))).toBeCloseTo(20, 12);
    expect(hypervolume(kink, { diversity: 0.25, clipScore: 55 })).toBeCloseTo(0.05 * 13, 12);
    expect(hypervolume([])).toBe(0);
  });
});
