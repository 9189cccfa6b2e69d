// Seeded random data for the metric tests (not part of the public API). A
// different generator from the bootstrap's, so tests do not share its stream.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";

export function uniform(seed: number): () => number {
  const g = mersenne(seed);
  return () => uniformFloat64(g);
}

export function gaussian(u: () => number): number {
  // Box–Muller; 1 − u() avoids log(0).
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Float32 unit vectors, like real CLIP embeddings, scattered around one random
 * direction: pairwise cosines are about 1/(1 + spread²); spread 0 repeats one vector.
 */
export function unitVectors(n: number, d: number, seed: number, spread = 1): Float32Array[] {
  const u = uniform(seed);
  const centre = Array.from({ length: d }, () => gaussian(u));
  return Array.from({ length: n }, () => normalise(centre.map((c) => c + spread * gaussian(u))));
}

export function normalise(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]! * v[k]!;
  const norm = Math.sqrt(s);
  return Float32Array.from(v, (x) => x / norm);
}

/** Standard basis vectors e_0..e_{n−1} in R^d. */
export function basis(n: number, d: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(d);
    v[i] = 1;
    return v;
  });
}

export function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}
