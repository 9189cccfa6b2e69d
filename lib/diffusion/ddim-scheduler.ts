// DDIM sampling with eta = 0 (Song et al. 2020, "Denoising Diffusion Implicit Models",
// arXiv:2010.02502, eq. 12 with σ = 0), configured by a diffusers scheduler_config.json.
//
//   betas        linear:        β_i = linspace(beta_start, beta_end, N)
//                scaled_linear: β_i = linspace(√beta_start, √beta_end, N)²
//   ᾱ_t          = ∏_{i ≤ t} (1 − β_i)
//   timesteps    leading:  (0, r, 2r, …, (S−1)·r) reversed + steps_offset, r = ⌊N / S⌋
//                trailing: round(N, N − N/S, …) − 1;  linspace: round(linspace(0, N−1, S)) reversed
//   one step     t → t' = t − ⌊N / S⌋, ᾱ' = ᾱ_t' (or 1 / ᾱ_0 by set_alpha_to_one when t' < 0)
//                x̂0 = (x − √(1−ᾱ_t)·ε) / √ᾱ_t                      (epsilon prediction)
//                x' = √ᾱ' · x̂0 + √(1−ᾱ') · ε
//
// Missing keys take DDIMScheduler's defaults, as diffusers' from_config does (so an SD 1.x
// PNDMScheduler config works). Arithmetic is in float64; diffusers uses float32, which moves
// ᾱ by ~1e-7 relative.
import { z } from "zod";

export const schedulerConfigSchema = z.object({
  num_train_timesteps: z.number().int().min(1).default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(["linear", "scaled_linear"]).default("linear"),
  trained_betas: z.array(z.number().min(0).max(1)).nullable().optional(),
  steps_offset: z.number().int().min(0).default(0),
  set_alpha_to_one: z.boolean().default(true),
  prediction_type: z.enum(["epsilon", "v_prediction"]).default("epsilon"),
  clip_sample: z.boolean().default(true),
  clip_sample_range: z.number().positive().default(1),
  timestep_spacing: z.enum(["leading", "trailing", "linspace"]).default("leading"),
  // Refused rather than silently ignored: both change what a step computes.
  thresholding: z.literal(false).default(false),
  rescale_betas_zero_snr: z.literal(false).default(false),
});
export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

function linspace(start: number, end: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + ((end - start) * i) / (n - 1));
}

export function betas(cfg: SchedulerConfig): Float64Array {
  const n = cfg.num_train_timesteps;
  if (cfg.trained_betas) {
    if (cfg.trained_betas.length !== n)
      throw new Error(`trained_betas has ${cfg.trained_betas.length} values, num_train_timesteps is ${n}`);
    return Float64Array.from(cfg.trained_betas);
  }
  if (cfg.beta_schedule === "linear") return Float64Array.from(linspace(cfg.beta_start, cfg.beta_end, n));
  return Float64Array.from(linspace(Math.sqrt(cfg.beta_start), Math.sqrt(cfg.beta_end), n), (b) => b * b);
}

export function alphasCumprod(cfg: SchedulerConfig): Float64Array {
  const b = betas(cfg);
  const out = new Float64Array(b.length);
  let acc = 1;
  for (let i = 0; i < b.length; i++) {
    acc *= 1 - b[i];
    out[i] = acc;
  }
  return out;
}

export function ddimTimesteps(cfg: SchedulerConfig, steps: number): number[] {
  const n = cfg.num_train_timesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > n) {
    throw new RangeError(`steps must be an integer in 1..${n} (the scheduler's num_train_timesteps), got ${steps}`);
  }
  switch (cfg.timestep_spacing) {
    case "leading": {
      const ratio = Math.floor(n / steps);
      return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + cfg.steps_offset);
    }
    case "trailing": {
      const ratio = n / steps;
      // numpy's round is half-to-even; the values here are k·N/S, which only tie when N/S is a half-integer.
      return Array.from({ length: steps }, (_, i) => roundHalfEven(n - i * ratio) - 1);
    }
    case "linspace":
      return linspace(0, n - 1, steps)
        .map(roundHalfEven)
        .reverse();
  }
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export class DdimScheduler {
  readonly alphasCumprod: Float64Array;
  readonly finalAlphaCumprod: number;
  readonly timesteps: number[];
  private readonly stride: number;

  constructor(
    readonly config: SchedulerConfig,
    readonly steps: number,
  ) {
    this.alphasCumprod = alphasCumprod(config);
    this.finalAlphaCumprod = config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
    this.timesteps = ddimTimesteps(config, steps);
    this.stride = Math.floor(config.num_train_timesteps / steps);
  }

  /** ᾱ at `t`, or the final value when t falls before the first training step. */
  alphaAt(t: number): number {
    if (t < 0) return this.finalAlphaCumprod;
    const a = this.alphasCumprod[t];
    if (a === undefined) throw new RangeError(`timestep ${t} is outside 0..${this.alphasCumprod.length - 1}`);
    return a;
  }

  prevTimestep(t: number): number {
    return t - this.stride;
  }

  /** One deterministic (eta = 0) step from `sample` at `t`; returns the sample at the previous timestep. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    if (modelOutput.length !== sample.length)
      throw new Error(`model output has ${modelOutput.length} values, sample ${sample.length}`);
    const a = this.alphaAt(t);
    const aPrev = this.alphaAt(this.prevTimestep(t));
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    const saPrev = Math.sqrt(aPrev);
    const sbPrev = Math.sqrt(1 - aPrev);
    const clip = this.config.clip_sample ? this.config.clip_sample_range : Infinity;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i];
      const m = modelOutput[i];
      let x0: number;
      let eps: number;
      if (this.config.prediction_type === "epsilon") {
        x0 = (x - sb * m) / sa;
        eps = m;
      } else {
        x0 = sa * x - sb * m;
        eps = sa * m + sb * x;
      }
      if (x0 > clip) x0 = clip;
      else if (x0 < -clip) x0 = -clip;
      out[i] = saPrev * x0 + sbPrev * eps;
    }
    return out;
  }
}
