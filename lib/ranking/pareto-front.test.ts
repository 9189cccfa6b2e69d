import { describe, expect, it } from "vitest";
import { hypervolume, paretoFront, type PlanePoint } from "./pareto-front";

const pts = (xs: [number, number][]): PlanePoint[] => xs.map(([diversity, clipScore]) => ({ diversity, clipScore }));

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
    expect(
      paretoFront(
        pts([
          [NaN, 90],
          [0.3, 50],
          [0.5, NaN],
        ]),
      ),
    ).toEqual([1]);
    expect(paretoFront([])).toEqual([]);
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
