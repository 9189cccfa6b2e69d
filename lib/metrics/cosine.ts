// Cosine similarity between an image and a text embedding.
//
// Formula: cos(e, t) = e · t, for L2-normalised e (image) and t (text).
// Inputs:  two embeddings of equal dimension d (Float32Array or any ArrayLike),
//          each with |‖v‖ − 1| <= tolerance (default 1e-3).
// Output:  a number in [-1, 1]. The batch version pairs images[i] with texts[i]
//          and returns a Float64Array of n cosines.
// Details: the vectors are divided by their norms in float64 first, which only
//          removes float32 round-off, and the result is clamped to [-1, 1] so
//          that round-off cannot leave the range.
// Reference: Radford et al. 2021 (CLIP, arXiv 2103.00020); this raw cosine is what
//          the project stores per sample, and every fidelity score derives from it.
//
// Example:
//   cosine([1, 0], [0.6, 0.8])          // 1·0.6 + 0·0.8 = 0.6
//   batchCosine([[1, 0], [0, 1]], [[0.6, 0.8], [0.6, 0.8]])  // [0.6, 0.8]
import { MetricInputError } from "./errors";
import { clampCosine, dot, unitVector, type Embedding } from "./validate";

export interface CosineOptions {
  /** Allowed |‖v‖ − 1| (default 1e-3). */
  tolerance?: number;
}

export function cosine(image: Embedding, text: Embedding, options: CosineOptions = {}): number {
  const e = unitVector(image, 0, { label: "image embedding", tolerance: options.tolerance });
  const t = unitVector(text, 0, { label: "text embedding", tolerance: options.tolerance, expectedDim: e.length });
  return clampCosine(dot(e, t));
}

export function batchCosine(
  images: readonly Embedding[],
  texts: readonly Embedding[],
  options: CosineOptions = {},
): Float64Array {
  if (images.length === 0) throw new MetricInputError("empty_input", "no image embeddings given: need at least 1");
  if (images.length !== texts.length) {
    throw new MetricInputError(
      "dimension_mismatch",
      `got ${images.length} image embeddings and ${texts.length} text embeddings; pass one text embedding per image`,
    );
  }
  const dim = images[0]?.length;
  const out = new Float64Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const e = unitVector(images[i]!, i, { label: "image embedding", tolerance: options.tolerance, expectedDim: dim });
    const t = unitVector(texts[i]!, i, { label: "text embedding", tolerance: options.tolerance, expectedDim: dim });
    out[i] = clampCosine(dot(e, t));
  }
  return out;
}
