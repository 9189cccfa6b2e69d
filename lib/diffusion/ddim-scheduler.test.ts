import { describe, expect, it } from "vitest";
import { DdimScheduler, alphasCumprod, betas, ddimTimesteps, schedulerConfigSchema } from "./ddim-scheduler";

const cfg = (over: Record<string, unknown>) => schedulerConfigSchema.parse(over);

// SD 1.x's scheduler_config.json (a PNDMScheduler config, read with DDIM's defaults for the rest).
const SD15 = cfg({
  _class_name: "PNDMScheduler",
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: "scaled_linear",
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
});

describe("betas and ᾱ", () => {
  it("linear: linspace(beta_start, beta_end) and the running product of 1 − β", () => {
    const c = cfg({ num_train_timesteps: 5, beta_start: 0.1, beta_end: 0.5, beta_schedule: "linear" });
    expect(Array.from(betas(c))).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5]);
    const a = Array.from(alphasCumprod(c));
    // 0.9, 0.9·0.8, ·0.7, ·0.6, ·0.5
    [0.9, 0.72, 0.504, 0.3024, 0.1512].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
  });

  it("scaled_linear: the square of linspace(√start, √end)", () => {
    const c = cfg({ num_train_timesteps: 3, beta_start: 0.01, beta_end: 0.09, beta_schedule: "scaled_linear" });
    // √: 0.1, 0.2, 0.3 → β: 0.01, 0.04, 0.09 → ᾱ: 0.99, 0.99·0.96, ·0.91
    [0.01, 0.04, 0.09].forEach((v, i) => expect(betas(c)[i]).toBeCloseTo(v, 12));
    [0.99, 0.9504, 0.864864].forEach((v, i) => expect(alphasCumprod(c)[i]).toBeCloseTo(v, 12));
  });

  it("SD 1.x: ᾱ_0 = 1 − 0.00085 and ᾱ_999 as numpy computes it", () => {
    const a = alphasCumprod(SD15);
    expect(a[0]).toBeCloseTo(0.99915, 12);
    // numpy: np.cumprod(1 - np.linspace(0.00085**0.5, 0.012**0.5, 1000)**2)
    expect(a[999]).toBeCloseTo(0.004660098513077238, 12);
    expect(a[500]).toBeCloseTo(0.2763326838229746, 12);
  });

  it("uses trained_betas when given and checks their count", () => {
    expect(Array.from(betas(cfg({ num_train_timesteps: 2, trained_betas: [0.5, 0.25] })))).toEqual([0.5, 0.25]);
    expect(() => betas(cfg({ num_train_timesteps: 3, trained_betas: [0.5, 0.25] }))).toThrow(/3/);
  });

  it("refuses settings it does not implement", () => {
    expect(schedulerConfigSchema.safeParse({ beta_schedule: "squaredcos_cap_v2" }).success).toBe(false);
    expect(schedulerConfigSchema.safeParse({ thresholding: true }).success).toBe(false);
    expect(schedulerConfigSchema.safeParse({ prediction_type: "sample" }).success).toBe(false);
  });
});

describe("timesteps", () => {
  it("leading spacing with steps_offset, as diffusers gives SD 1.x", () => {
    const ts = ddimTimesteps(SD15, 50);
    expect(ts.length).toBe(50);
    expect(ts.slice(0, 3)).toEqual([981, 961, 941]);
    expect(ts.at(-1)).toBe(1);
    expect(ddimTimesteps(SD15, 4)).toEqual([751, 501, 251, 1]);
  });

  it("trailing and linspace spacing", () => {
    expect(ddimTimesteps(cfg({ timestep_spacing: "trailing" }), 4)).toEqual([999, 749, 499, 249]);
    expect(ddimTimesteps(cfg({ timestep_spacing: "linspace" }), 4)).toEqual([999, 666, 333, 0]);
  });

  it("refuses step counts outside 1..num_train_timesteps", () => {
    expect(() => ddimTimesteps(SD15, 0)).toThrow(/steps/);
    expect(() => ddimTimesteps(SD15, 1001)).toThrow(/steps/);
    expect(() => ddimTimesteps(SD15, 2.5)).toThrow(/steps/);
  });
});

describe("DDIM step (eta 0)", () => {
  // N = 5 linear betas 0.1..0.5 → ᾱ = [0.9, 0.72, 0.504, 0.3024, 0.1512]; 2 steps, offset 1 → t = 3, 1.
  const small = cfg({ num_train_timesteps: 5, beta_start: 0.1, beta_end: 0.5, steps_offset: 1, clip_sample: false });

  it("matches a hand-computed two-step run", () => {
    const s = new DdimScheduler(small, 2);
    expect(s.timesteps).toEqual([3, 1]);
    const x = Float32Array.from([1, -0.5]);
    const eps = Float32Array.from([0.5, 0.25]);

    // t = 3 → t' = 1: x̂0 = (x − √(1−0.3024)·ε)/√0.3024, x' = √0.72·x̂0 + √0.28·ε
    const x1 = s.step(eps, 3, x);
    const expected1 = [0, 1].map((i) => {
      const x0 = (x[i] - Math.sqrt(1 - 0.3024) * eps[i]) / Math.sqrt(0.3024);
      return Math.sqrt(0.72) * x0 + Math.sqrt(1 - 0.72) * eps[i];
    });
    expect(x1[0]).toBeCloseTo(expected1[0], 5);
    expect(x1[1]).toBeCloseTo(expected1[1], 5);
    // By hand: x̂0[0] = (1 − 0.835225·0.5)/0.549909 = 1.059062; x'[0] = 0.848528·1.059062 + 0.529150·0.5 = 1.163219
    expect(x1[0]).toBeCloseTo(1.163219, 5);

    // t = 1 → t' = −4 < 0: set_alpha_to_one (default true) makes ᾱ' = 1, so x' = x̂0.
    const x2 = s.step(eps, 1, x1);
    expect(x2[0]).toBeCloseTo((x1[0] - Math.sqrt(0.28) * 0.5) / Math.sqrt(0.72), 5);
  });

  it("uses ᾱ_0 for the last step when set_alpha_to_one is false", () => {
    const s = new DdimScheduler({ ...small, set_alpha_to_one: false }, 2);
    const x = Float32Array.from([1]);
    const eps = Float32Array.from([0.5]);
    const x0 = (1 - Math.sqrt(0.28) * 0.5) / Math.sqrt(0.72);
    expect(s.step(eps, 1, x)[0]).toBeCloseTo(Math.sqrt(0.9) * x0 + Math.sqrt(0.1) * 0.5, 5);
  });

  it("v_prediction: x̂0 = √ᾱ·x − √(1−ᾱ)·v, ε = √ᾱ·v + √(1−ᾱ)·x", () => {
    const s = new DdimScheduler({ ...small, prediction_type: "v_prediction" }, 2);
    const x = 1;
    const v = 0.5;
    const x0 = Math.sqrt(0.3024) * x - Math.sqrt(0.6976) * v;
    const e = Math.sqrt(0.3024) * v + Math.sqrt(0.6976) * x;
    expect(s.step(Float32Array.from([v]), 3, Float32Array.from([x]))[0]).toBeCloseTo(
      Math.sqrt(0.72) * x0 + Math.sqrt(0.28) * e,
      5,
    );
  });

  it("clips x̂0 to ±clip_sample_range when clip_sample is on", () => {
    const s = new DdimScheduler({ ...small, clip_sample: true }, 2);
    // x̂0 = (10 − 0)/√0.3024 ≫ 1 → clipped to 1; x' = √0.72·1 + √0.28·0
    expect(s.step(Float32Array.from([0]), 3, Float32Array.from([10]))[0]).toBeCloseTo(Math.sqrt(0.72), 5);
  });

  it("refuses mismatched lengths", () => {
    const s = new DdimScheduler(small, 2);
    expect(() => s.step(new Float32Array(2), 3, new Float32Array(3))).toThrow(/values/);
  });
});
