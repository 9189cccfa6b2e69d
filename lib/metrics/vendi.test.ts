import { describe, expect, it } from "vitest";
import { basis, dot64, unitVectors } from "../../tools/test-support/metrics";
import { vendiFromEigenvalues, vendiScore } from "./vendi";

/** Independent eigenvalues: cyclic Jacobi rotations on a symmetric matrix. */
function jacobiEigenvalues(a: number[][]): number[] {
  const n = a.length;
  const m = a.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
      }
    }
  }
  return m.map((r, i) => r[i]!);
}

/** Independent Vendi: Jacobi eigenvalues of the n×n Gram matrix / n, then exp(entropy). */
function vendiByJacobi(vs: readonly ArrayLike<number>[]): number {
  const n = vs.length;
  const k = vs.map((a) => vs.map((b) => dot64(a, b) / n));
  let h = 0;
  for (const l of jacobiEigenvalues(k)) if (l > 1e-15) h -= l * Math.log(l);
  return Math.exp(h);
}

describe("Vendi score", () => {
  it("hand-worked: a duplicated vector in 2-D", () => {
    // e1 = (1,0), e2 = (0,1), e3 = (1,0); K = [[1,0,1],[0,1,0],[1,0,1]]
    // eig(K) = 2, 1, 0 → λ = 2/3, 1/3, 0
    // H = (2/3)·ln(3/2) + (1/3)·ln 3 = 0.270310 + 0.366204 = 0.636514; VS = e^H = 1.889882
    expect(
      vendiScore([
        [1, 0],
        [0, 1],
        [1, 0],
      ]),
    ).toBeCloseTo(Math.exp((2 / 3) * Math.log(1.5) + Math.log(3) / 3), 10);
    expect(
      vendiScore([
        [1, 0],
        [0, 1],
        [1, 0],
      ]),
    ).toBeCloseTo(1.889882, 6);
  });

  it("identical embeddings give 1, orthogonal give n, one sample gives 1", () => {
    const v = unitVectors(1, 512, 9)[0]!;
    expect(vendiScore([v, v, v, v, v])).toBeCloseTo(1, 6);
    expect(vendiScore(basis(7, 32))).toBeCloseTo(7, 10);
    expect(vendiScore([v])).toBe(1);
  });

  it("matches Jacobi eigenvalues on random data", () => {
    for (const [n, d, spread] of [
      [2, 8, 1],
      [6, 64, 0.7],
      [12, 512, 2],
      [20, 32, 1],
    ] as const) {
      const vs = unitVectors(n, d, n * 7 + d, spread);
      expect(vendiScore(vs)).toBeCloseTo(vendiByJacobi(vs), 6);
    }
  });

  it("the d×d path (n > d) equals the n×n path", () => {
    const vs = unitVectors(30, 8, 42, 1.5);
    const auto = vendiScore(vs);
    expect(auto).toBeCloseTo(vendiScore(vs, { method: "samples" }), 9);
    expect(auto).toBeCloseTo(vendiScore(vs, { method: "features" }), 9);
    expect(auto).toBeCloseTo(vendiByJacobi(vs), 6);
    // n > d also caps the value at d: at most d directions can be distinct.
    expect(auto).toBeLessThanOrEqual(8);
    expect(vendiScore(basis(3, 3).concat(basis(3, 3)))).toBeCloseTo(3, 9);
  });

  it("stays in [1, n] on random data", () => {
    for (let seed = 0; seed < 10; seed++) {
      const vs = unitVectors(10, 16, seed, seed / 3);
      const v = vendiScore(vs);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(10);
    }
  });

  it("treats tiny negative eigenvalues as 0 (0·log 0 = 0)", () => {
    // λ = 0.5, 0.5, −1e-17 → H = ln 2 → VS = 2
    expect(vendiFromEigenvalues([0.5, 0.5, -1e-17], 3)).toBeCloseTo(2, 12);
    expect(vendiFromEigenvalues([1, 0, 0], 3)).toBe(1);
  });
});
