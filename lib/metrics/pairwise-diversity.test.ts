import { describe, expect, it } from "vitest";
import { meanDiversity, pairwiseDiversity } from "./pairwise-diversity";
import { basis, dot64, unitVectors } from "../../tools/test-support/metrics";

/** Independent form: 1 − mean of the off-diagonal entries of the full Gram matrix. */
function diversityFromGram(vs: readonly ArrayLike<number>[]): number {
  const n = vs.length;
  let off = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += dot64(vs[i]!, vs[j]!);
  return 1 - off / (n * (n - 1));
}

describe("pairwise diversity", () => {
  it("hand-worked: three vectors in 2-D", () => {
    // e1 = (1,0), e2 = (0,1), e3 = (0.6,0.8): cosines 0, 0.6, 0.8, sum 1.4
    // D = 1 − (2/(3·2))·1.4 = 1 − 1.4/3 = 0.5333…
    expect(
      pairwiseDiversity([
        [1, 0],
        [0, 1],
        [0.6, 0.8],
      ]).value,
    ).toBeCloseTo(1 - 1.4 / 3, 12);
  });

  it("identical embeddings give 0, orthogonal ones give 1, opposite pair gives 2", () => {
    const v = unitVectors(1, 512, 5)[0]!;
    expect(pairwiseDiversity([v, v, v, v]).value).toBeCloseTo(0, 6);
    expect(pairwiseDiversity(basis(6, 16)).value).toBeCloseTo(1, 12);
    expect(
      pairwiseDiversity([
        [1, 0],
        [-1, 0],
      ]).value,
    ).toBe(2);
  });

  it("matches the full Gram matrix on random data", () => {
    for (const [n, d, spread] of [
      [2, 8, 1],
      [5, 64, 0.5],
      [16, 512, 2],
      [40, 16, 1],
    ] as const) {
      const vs = unitVectors(n, d, n * 1000 + d, spread);
      expect(pairwiseDiversity(vs).value).toBeCloseTo(diversityFromGram(vs), 6);
    }
  });

  it("is null with a reason below 2 samples", () => {
    expect(pairwiseDiversity([[1, 0]])).toEqual({ value: null, reason: "needs at least 2 samples, got 1" });
    expect(pairwiseDiversity([])).toEqual({ value: null, reason: "needs at least 2 samples, got 0" });
  });

  it("run-level mean skips undefined groups and says how many", () => {
    // groups: 0.5333 (hand-worked above), 1 (orthogonal), null → mean (0.5333 + 1)/2
    const groups = [
      pairwiseDiversity([
        [1, 0],
        [0, 1],
        [0.6, 0.8],
      ]),
      pairwiseDiversity(basis(3, 3)),
      pairwiseDiversity([[1, 0]]),
    ];
    const m = meanDiversity(groups);
    expect(m.value).toBeCloseTo((1 - 1.4 / 3 + 1) / 2, 12);
    expect(m.groups).toBe(2);
    expect(m.skipped).toBe(1);
    expect(meanDiversity([pairwiseDiversity([[1, 0]])])).toEqual({
      value: null,
      groups: 0,
      skipped: 1,
      reason: "no group has at least 2 samples (1 group skipped)",
    });
  });
});
