import { describe, expect, it } from "vitest";
import { batchCosine, cosine } from "./cosine";
import { MetricInputError } from "./errors";
import { dot64, unitVectors } from "../../tools/test-support/metrics";

describe("cosine", () => {
  it("is the dot product of unit vectors (hand-worked, 2-D)", () => {
    // (1,0)·(0.6,0.8) = 0.6; (0,1)·(0.6,0.8) = 0.8; (1,0)·(-1,0) = -1
    expect(cosine([1, 0], [0.6, 0.8])).toBeCloseTo(0.6, 12);
    expect(cosine([0, 1], [0.6, 0.8])).toBeCloseTo(0.8, 12);
    expect(cosine([1, 0], [-1, 0])).toBe(-1);
  });

  it("batch version pairs images[i] with texts[i] and matches a plain loop", () => {
    const images = unitVectors(20, 64, 1);
    const texts = unitVectors(20, 64, 2);
    const got = batchCosine(images, texts);
    expect(got).toHaveLength(20);
    images.forEach((e, i) => expect(got[i]).toBeCloseTo(dot64(e, texts[i]!), 6));
  });

  it("stays within [-1, 1] for identical float32 vectors", () => {
    for (const v of unitVectors(50, 512, 3)) {
      const c = cosine(v, v);
      expect(c).toBeLessThanOrEqual(1);
      expect(c).toBeCloseTo(1, 6);
    }
  });

  it("rejects mismatched dimensions and counts with actionable messages", () => {
    expect(() => cosine(new Float32Array(512).fill(512 ** -0.5), new Float32Array(511).fill(511 ** -0.5))).toThrow(
      "text embedding 0 has dimension 511, expected 512",
    );
    expect(() =>
      batchCosine(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow("got 1 image embeddings and 2 text embeddings; pass one text embedding per image");
    expect(() => batchCosine([], [])).toThrow(MetricInputError);
    expect(() =>
      batchCosine(
        [
          [1, 0],
          [0, 1, 0],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow("image embedding 1 has dimension 3, expected 2");
  });
});
