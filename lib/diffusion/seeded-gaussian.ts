// Seeded standard-normal draws for the initial latents, so a (seed, size) pair always starts
// from the same noise: MT19937 from pure-rand (seeded with init_genrand, the reference
// seeding) gives uniforms with 53 random bits, and
// Box–Muller turns each pair (u1, u2) into r·cos θ, r·sin θ with r = √(−2 ln u1), θ = 2π·u2.
// Values are written in C order of the latent tensor [1, channels, height/8, width/8].
//
// Determinism: integer arithmetic plus Math.sqrt/log/cos/sin, which V8 computes in software
// (its fdlibm port), not with the platform libm; so the same Node version gives the same
// latents on every machine. The noise is not torch's, so a seed here does not reproduce the
// image diffusers would make with torch.Generator().manual_seed(seed).
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";

export const MAX_SEED = 0xffffffff;

export function seededGaussian(seed: number, count: number): Float32Array {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer in 0..${MAX_SEED}, got ${seed}`);
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  // xoroshiro128+ seeded from 32 bits returns the seed itself first (and poor mixes after);
  // the twister's seeding spreads any 32-bit seed over its whole state.
  const rng = mersenne(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    // 1 − u lies in (0, 1], so the logarithm is always finite.
    const u1 = 1 - uniformFloat64(rng);
    const u2 = uniformFloat64(rng);
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
