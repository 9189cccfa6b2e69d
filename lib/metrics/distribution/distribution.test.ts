import { readFileSync } from "node:fs";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { DataType, GraphBuilder, attr, encodeModel } from "../../../tools/fixtures/onnx-builder";
import { MetricInputError } from "../errors";
import {
  cmmd,
  distributionMetrics,
  frechetDistance,
  perPromptDistribution,
  jsDotProducts,
  symmetricEigenvalues,
  toEmbeddingMatrix,
} from "./index";
import { DOT_PRODUCT_MODEL_BASE64, onnxDotProducts } from "./onnx-dot-products";

interface VectorCase {
  name: string;
  generated: number[][];
  reference: number[][];
  /** pytorch-fid's formula (scipy sqrtm of the product); null where it is not finite. */
  fd: number | null;
  /** An independent symmetric-eigendecomposition route (numpy eigh), any sizes. */
  fdEigh: number;
  cmmd: number;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}
const vectors: { cases: VectorCase[] } = JSON.parse(
  readFileSync(new URL("../../../tests/fixtures/distribution/vectors.json", import.meta.url), "utf8"),
);

describe("distribution metrics against the independent numpy/scipy reference", () => {
  for (const c of vectors.cases) {
    it(`${c.name}: every metric within 1e-6 (FD within 1e-6 relative of pytorch-fid's formula and of numpy eigh)`, async () => {
      const r = await distributionMetrics(c.generated, c.reference);
      expect(Math.abs(r.fd.value - c.fdEigh) / c.fdEigh).toBeLessThan(1e-6);
      if (c.fd !== null) expect(Math.abs(r.fd.value - c.fd) / c.fd).toBeLessThan(1e-6);
      expect(Math.abs(r.cmmd - c.cmmd)).toBeLessThan(1e-6);
      expect(Math.abs(r.precision! - c.precision)).toBeLessThan(1e-6);
      expect(Math.abs(r.recall! - c.recall)).toBeLessThan(1e-6);
      expect(Math.abs(r.density! - c.density)).toBeLessThan(1e-6);
      expect(Math.abs(r.coverage! - c.coverage)).toBeLessThan(1e-6);
    });
  }

  it("the ONNX backend agrees with the exact one", async () => {
    const backend = onnxDotProducts(1);
    for (const c of vectors.cases) {
      const exact = await distributionMetrics(c.generated, c.reference);
      const fast = await distributionMetrics(c.generated, c.reference, { backend });
      expect(fast.precision).toBe(exact.precision);
      expect(fast.recall).toBe(exact.recall);
      expect(fast.density).toBe(exact.density);
      expect(fast.coverage).toBe(exact.coverage);
      expect(Math.abs(fast.cmmd - exact.cmmd)).toBeLessThan(1e-3 * exact.cmmd);
      expect(Math.abs(fast.fd.value - exact.fd.value)).toBeLessThan(1e-4 * exact.fd.value);
    }
  });

  it("the standalone FD and CMMD functions give the combined call's values", async () => {
    const c = vectors.cases[0]!;
    const all = await distributionMetrics(c.generated, c.reference);
    expect((await frechetDistance(c.generated, c.reference)).value).toBeCloseTo(all.fd.value, 12);
    expect(await cmmd(c.generated, c.reference)).toBeCloseTo(all.cmmd, 12);
  });
});

describe("hand-worked cases", () => {
  it("identical sets: FD 0, CMMD 0, precision = recall = coverage = 1", async () => {
    const x = vectors.cases[2]!.reference;
    const r = await distributionMetrics(x, x);
    expect(r.fd.value).toBeLessThan(1e-9);
    expect(r.cmmd).toBeLessThan(1e-9);
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(1);
    expect(r.coverage).toBe(1);
    expect(r.fd.reliable).toBe(true);
  });

  it("FD of the 1-D example in frechet-distance.ts", async () => {
    const r = await frechetDistance([[0], [2]], [[1], [3], [5]]);
    expect(r.value).toBeCloseTo(4 + 6 - 2 * Math.sqrt(8), 10);
  });

  it("CMMD of the 1-D example in cmmd.ts", async () => {
    expect(await cmmd([[0]], [[10]])).toBeCloseTo(1000 * (2 - 2 * Math.exp(-0.5)), 9);
  });

  it("precision/recall and density/coverage of the 1-D examples (k = 1)", async () => {
    const r = await distributionMetrics([[0.5], [20]], [[0], [1], [10]], { kPrecisionRecall: 1, kDensityCoverage: 1 });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(1);
    expect(r.density).toBe(1);
    expect(r.coverage).toBeCloseTo(2 / 3, 15);
  });

  it("a generated set far from the reference has precision 0 and coverage 0", async () => {
    const ref = vectors.cases[0]!.reference;
    const far = ref.map((v) => v.map((x) => x + 100));
    const r = await distributionMetrics(far, ref);
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(0);
    expect(r.coverage).toBe(0);
    expect(r.fd.value).toBeGreaterThan(100 * 100 * ref[0]!.length * 0.99);
  });
});

describe("small sets are flagged, not hidden", () => {
  it("FD with fewer samples than dimensions is exact (no regularisation) and marked unreliable with the reason", async () => {
    const c = vectors.cases.find((x) => x.name === "unit vectors, n = 10 and 12 < d = 16")!;
    expect(c.generated).toHaveLength(10);
    const r = await frechetDistance(c.generated, c.reference);
    expect(r.reliable).toBe(false);
    expect(r.reason).toMatch(/fewer samples than embedding dimensions/);
    expect(r.reason).not.toMatch(/ε/);
    expect(Math.abs(r.value - c.fdEigh) / c.fdEigh).toBeLessThan(1e-6);
    expect(c.fd).not.toBeNull();
    expect(Math.abs(r.value - c.fd!) / c.fd!).toBeLessThan(1e-6);
  });

  it("k-NN metrics are null with a reason when a set has k or fewer samples", async () => {
    const c = vectors.cases[0]!;
    const r = await distributionMetrics(c.generated.slice(0, 3), c.reference.slice(0, 5));
    expect(r.precision).toBeNull();
    expect(r.density).toBeNull();
    expect(r.knnReason).toMatch(/reference set has 5 samples; k = 5 needs at least 6/);
    expect(r.knnReason).toMatch(/generated set has 3 samples; k = 3 needs at least 4/);
  });
});

describe("bad input is refused with a clear error", () => {
  const ok = [
    [1, 0],
    [0, 1],
    [0.6, 0.8],
  ];
  it("refuses NaN, naming the row and position", async () => {
    const bad = [
      [1, 0],
      [NaN, 1],
      [0, 1],
    ];
    await expect(distributionMetrics(bad, ok)).rejects.toThrow(
      /generated embedding 1 has a non-finite value \(NaN\) at position 0/,
    );
  });
  it("refuses mismatched dimensions between and within sets", async () => {
    await expect(
      distributionMetrics(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        ok,
      ),
    ).rejects.toThrow(/dimension 3 but reference embeddings have 2/);
    await expect(
      distributionMetrics(
        [
          [1, 0],
          [0, 1, 0],
        ],
        ok,
      ),
    ).rejects.toThrow(/generated embedding 1 has dimension 3, expected 2/);
  });
  it("refuses empty and single-sample sets", async () => {
    await expect(distributionMetrics([], ok)).rejects.toBeInstanceOf(MetricInputError);
    await expect(distributionMetrics([[1, 0]], ok)).rejects.toThrow(/at least 2 samples per set/);
  });
  it("refuses a non-positive CMMD bandwidth", async () => {
    await expect(cmmd(ok, ok, { sigma: 0 })).rejects.toThrow(/sigma must be a finite number > 0/);
  });
});

describe("building blocks", () => {
  it("symmetric eigenvalues match ml-matrix's full decomposition", () => {
    for (const n of [1, 2, 7, 40]) {
      const m = Matrix.rand(n, n, { random: mulberry(n) });
      const s = m.add(m.transpose());
      const ours = [...symmetricEigenvalues(Float64Array.from(s.to1DArray()), n)].sort((a, b) => a - b);
      const theirs = [...new EigenvalueDecomposition(s, { assumeSymmetric: true }).realEigenvalues].sort(
        (a, b) => a - b,
      );
      for (let i = 0; i < n; i++) expect(ours[i]).toBeCloseTo(theirs[i]!, 9);
    }
  });

  it("symmetric eigenvalues converge on a rank-deficient Gram matrix with repeated rows", () => {
    // 48 rows, 4 distinct (a mode-collapsed set): rank 4, 44 exact zeros.
    const base = [0, 1, 2, 3].map((k) => Array.from({ length: 6 }, (_, i) => Math.sin(k * 7.1 + i * 1.3)));
    const rows = Array.from({ length: 48 }, (_, i) => base[i % 4]!);
    const n = rows.length;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) g[i * n + j] = rows[i]!.reduce((s, x, k) => s + x * rows[j]![k]!, 0);
    const eig = [...symmetricEigenvalues(g, n)].sort((a, b) => b - a);
    const small = new Float64Array(16);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) small[i * 4 + j] = 12 * base[i]!.reduce((s, x, k) => s + x * base[j]![k]!, 0);
    const expected = [...symmetricEigenvalues(small, 4)].sort((a, b) => b - a);
    for (let i = 0; i < 4; i++) expect(eig[i]).toBeCloseTo(expected[i]!, 8);
    for (let i = 4; i < n; i++) expect(Math.abs(eig[i]!)).toBeLessThan(1e-9);
  });

  it("FD of a mode-collapsed set (repeated images, fewer than dimensions) is finite and matches the d × d route", async () => {
    const c = vectors.cases[2]!; // d = 16, 90 × 80
    const collapsed = Array.from({ length: 40 }, (_, i) => c.generated[i % 3]!);
    const r = await frechetDistance(collapsed, c.reference);
    expect(Number.isFinite(r.value)).toBe(true);
    // 40 > d = 16 would take the Cholesky route through Σ_r; the same value through the data:
    const viaData = await frechetDistance(c.reference, collapsed);
    expect(r.value).toBeCloseTo(viaData.value, 9);
  });

  it("the JS backend computes a block of A·Bᵀ", async () => {
    const a = toEmbeddingMatrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const b = toEmbeddingMatrix([
      [1, 0],
      [0, 1],
    ]);
    expect([...(await jsDotProducts(a, 1, 2, b))]).toEqual([3, 4, 5, 6]);
  });

  it("the inline ONNX model is the Gemm(a, b, transB=1) graph the builder writes", () => {
    const g = new GraphBuilder("dot_products");
    const a = g.input("a", DataType.FLOAT, ["rows", "d"]);
    const b = g.input("b", DataType.FLOAT, ["m", "d"]);
    g.output(g.node("Gemm", [a, b], { transB: attr.int(1) }, "c"), DataType.FLOAT, ["rows", "m"]);
    expect(Buffer.from(encodeModel(g.toModel({ producerName: "t2i-eval" }))).toString("base64")).toBe(
      DOT_PRODUCT_MODEL_BASE64,
    );
  });
});

function mulberry(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t += 0x6d2b79f5;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe("per-prompt distribution metrics", () => {
  it("computes each prompt against its own references and averages with a bootstrap CI", async () => {
    const c = vectors.cases[0]!;
    const groups = [0, 1, 2, 3].map((p) => ({
      key: `p${p}`,
      generated: c.generated.slice(p * 10, p * 10 + 10),
      reference: c.reference.slice(p * 12, p * 12 + 12),
    }));
    const r = await perPromptDistribution(groups);
    for (const [p, g] of groups.entries()) {
      const alone = await distributionMetrics(g.generated, g.reference);
      expect(r.prompts[p]!.recall).toBe(alone.recall);
      expect(r.prompts[p]!.coverage).toBe(alone.coverage);
      expect(r.prompts[p]!.cmmd).toBeCloseTo(alone.cmmd, 12);
    }
    const mean = r.prompts.reduce((s, p) => s + p.coverage!, 0) / 4;
    expect(r.means.coverage.mean!.estimate).toBeCloseTo(mean, 12);
    expect(r.means.coverage.mean!.low).toBeLessThanOrEqual(mean);
    expect(r.means.coverage.mean!.high).toBeGreaterThanOrEqual(mean);
    expect(r.means.coverage.mean!.B).toBe(1000);
  });

  it("a prompt with too few images is skipped with its reason, not averaged as 0", async () => {
    const c = vectors.cases[0]!;
    const r = await perPromptDistribution([
      { key: "ok", generated: c.generated.slice(0, 8), reference: c.reference.slice(0, 16) },
      { key: "small", generated: c.generated.slice(8, 10), reference: c.reference.slice(16, 19) },
    ]);
    expect(r.prompts[1]!.recall).toBeNull();
    expect(r.prompts[1]!.reason).toMatch(/more than 3 images on each side/);
    expect(r.means.recall.prompts).toBe(1);
    expect(r.means.recall.skipped).toBe(1);
    expect(r.means.recall.mean!.estimate).toBe(r.prompts[0]!.recall);
  });
});
