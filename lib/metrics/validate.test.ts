// Bad inputs must fail with a MetricInputError whose message names the vector
// and the fix, whatever metric they are passed to.
import { describe, expect, it } from "vitest";
import { clipS } from "./clip-s";
import { clipScore } from "./clip-score";
import { cosine } from "./cosine";
import { MetricInputError } from "./errors";
import { pairwiseDiversity } from "./pairwise-diversity";
import { basis, normalise } from "../../tools/test-support/metrics";
import { vendiScore } from "./vendi";

const embeddingMetrics = {
  pairwiseDiversity: (e: readonly ArrayLike<number>[]) => pairwiseDiversity(e),
  vendiScore: (e: readonly ArrayLike<number>[]) => vendiScore(e),
};

function error(f: () => unknown): MetricInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MetricInputError);
    return e as MetricInputError;
  }
  throw new Error("expected a MetricInputError, nothing was thrown");
}

describe.each(Object.entries(embeddingMetrics))("%s input checks", (_name, metric) => {
  it("names the embedding with the wrong dimension", () => {
    const group = [...basis(3, 512), normalise(new Float32Array(511).fill(1))];
    const e = error(() => metric(group));
    expect(e.code).toBe("dimension_mismatch");
    expect(e.message).toBe("embedding 3 has dimension 511, expected 512");
  });

  it("rejects NaN and Infinity with their position", () => {
    const withNaN = basis(3, 4);
    withNaN[1]![2] = NaN;
    expect(error(() => metric(withNaN)).message).toBe("embedding 1 has a non-finite value (NaN) at position 2");
    const withInf = basis(3, 4);
    withInf[2]![0] = Infinity;
    expect(error(() => metric(withInf)).code).toBe("non_finite");
  });

  it("rejects unnormalised vectors beyond the tolerance and says how to fix them", () => {
    const raw = [new Float32Array([3, 4]), new Float32Array([1, 0])];
    const e = error(() => metric(raw));
    expect(e.code).toBe("not_normalised");
    expect(e.message).toContain("embedding 0 has L2 norm 5.00000, expected 1 ± 0.001");
    expect(e.message).toContain("L2-normalise");
  });

  it("accepts norms within 1e-3 and rejects those beyond", () => {
    expect(() =>
      metric([
        [1.0009, 0],
        [0, 1],
      ]),
    ).not.toThrow();
    expect(
      error(() =>
        metric([
          [1.0011, 0],
          [0, 1],
        ]),
      ).code,
    ).toBe("not_normalised");
  });

  it("rejects an empty vector", () => {
    expect(error(() => metric([[], []])).message).toBe("embedding 0 is empty (dimension 0)");
  });
});

describe("other input checks", () => {
  it("empty input is an error for aggregates", () => {
    expect(error(() => vendiScore([])).code).toBe("empty_input");
    expect(error(() => clipScore([])).message).toBe("no cosines given: need at least 1");
    expect(error(() => clipS([])).code).toBe("empty_input");
  });

  it("a cosine outside [-1, 1] is reported as a likely scale mix-up", () => {
    const e = error(() => clipScore([0.2, 30]));
    expect(e.code).toBe("out_of_range");
    expect(e.message).toBe(
      "cosine 1 is 30, outside [-1, 1]; pass the raw cosine, not a CLIPScore (0–100) or CLIP-S (0–2.5)",
    );
    expect(error(() => clipS([NaN])).message).toBe("cosine 0 is not a finite number (NaN)");
  });

  it("cosines just past ±1 from round-off are clamped so scores stay in range", () => {
    expect(clipScore([1.0005, 1])).toBe(100);
    expect(clipS([1.0005])).toBe(2.5);
    expect(error(() => clipScore([1.01])).code).toBe("out_of_range");
  });

  it("a lone vector is still validated even though diversity is undefined for it", () => {
    expect(error(() => pairwiseDiversity([[2, 0]])).code).toBe("not_normalised");
  });

  it("the image/text label distinguishes which side is wrong", () => {
    expect(error(() => cosine([1, 0], [1, 1])).message).toContain("text embedding 0 has L2 norm 1.41421");
    expect(error(() => cosine([1, 1], [1, 0])).message).toContain("image embedding 0 has L2 norm");
  });
});
