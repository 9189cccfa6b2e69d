// The pipeline on the committed random-weight fixture: determinism per seed, and each input
// (seed, prompt, negative prompt, guidance, steps) visibly changing the picture.
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cudaBinariesMissing } from "../core/execution-provider";
import { DiffusionPipeline, type ConditioningRequest, type SampleRequest } from "./pipeline";

const FIXTURE = fileURLToPath(new URL("../../fixtures/diffusion-tiny", import.meta.url));
const BASE: ConditioningRequest & SampleRequest = {
  prompt: "a red square on a table",
  negativePrompt: null,
  guidanceScale: 7.5,
  steps: 4,
  width: 64,
  height: 64,
  seed: 1234,
};

let pipe: DiffusionPipeline;
beforeAll(async () => {
  pipe = await DiffusionPipeline.load(FIXTURE, { provider: "cpu", threads: 2 });
});
afterAll(async () => {
  await pipe.release();
});

const gen = (over: Partial<typeof BASE> = {}) => pipe.generateImage({ ...BASE, ...over });

async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png).raw().toBuffer();
}

/** Mean absolute difference of two images' 8-bit channels. */
async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([pixels(a), pixels(b)]);
  expect(x.length).toBe(y.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]! - y[i]!);
  return s / x.length;
}

describe("DiffusionPipeline on fixtures/diffusion-tiny", () => {
  it("loads the Optimum layout and reports the provider", () => {
    expect(pipe.provider.name).toBe("cpu");
    expect(pipe.provider.description).toMatch(/^cpu \(requested\)/);
    expect(pipe.folder.fixture?.note).toMatch(/noise/);
    expect(pipe.folder.vaeScaleFactor).toBe(8);
  });

  it("makes a PNG of the requested size", async () => {
    const meta = await sharp(await gen({ width: 64, height: 48 })).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 64, 48, 3]);
  });

  it("gives byte-identical PNGs for the same seed, also from a second pipeline", async () => {
    const a = await gen();
    const b = await gen();
    expect(b.equals(a)).toBe(true);
    const other = await DiffusionPipeline.load(FIXTURE, { provider: "cpu", threads: 1 });
    try {
      expect((await other.generateImage(BASE)).equals(a)).toBe(true);
    } finally {
      await other.release();
    }
  });

  it("gives different images for different seeds", async () => {
    expect(await meanAbsDiff(await gen({ seed: 1 }), await gen({ seed: 2 }))).toBeGreaterThan(10);
  });

  it("is conditioned on the prompt, the guidance scale and the negative prompt", async () => {
    const base = await gen();
    expect(await meanAbsDiff(base, await gen({ prompt: "two cats asleep" }))).toBeGreaterThan(5);
    expect(await meanAbsDiff(base, await gen({ guidanceScale: 3 }))).toBeGreaterThan(5);
    expect(await meanAbsDiff(base, await gen({ negativePrompt: "blurry, low quality" }))).toBeGreaterThan(5);
    expect(await meanAbsDiff(base, await gen({ steps: 6 }))).toBeGreaterThan(5);
  });

  it("applies guidance as u + g·(c − u) with the negative prompt as u", async () => {
    // g = 0 leaves only the unconditional (negative-prompt) prediction; g = 1 only the conditional one.
    const g0 = await gen({ prompt: "a dog", negativePrompt: "a cat", guidanceScale: 0 });
    const catOnly = await gen({ prompt: "a cat", guidanceScale: 1 });
    expect(await meanAbsDiff(g0, catOnly)).toBeLessThan(0.05);
    const g1 = await gen({ prompt: "a dog", negativePrompt: "a cat", guidanceScale: 1 });
    expect(g1.equals(await gen({ prompt: "a dog", guidanceScale: 1 }))).toBe(true);
    // Two short prompts share most of their 77 positions (padding), so the gap is smaller here.
    expect(await meanAbsDiff(g0, g1)).toBeGreaterThan(1);
  });

  it("refuses sizes that are not multiples of 8 and bad step counts", async () => {
    await expect(gen({ width: 60 })).rejects.toThrow(/multiple of 8/);
    await expect(gen({ steps: 0 })).rejects.toThrow(/steps/);
    await expect(gen({ seed: -1 })).rejects.toThrow(/seed/);
  });

  it("stops between steps when aborted", async () => {
    const c = new AbortController();
    c.abort(new Error("stop now"));
    await expect(gen({ signal: c.signal })).rejects.toThrow(/stop now/);
  });

  it("makes 4 prompts × 2 guidance scales × 2 samples at 64×64, 4 steps, well under a minute", async () => {
    const started = performance.now();
    const seen = new Set<string>();
    for (const prompt of ["a red square", "a photo of a dog", "two cats", "a green vase with roses"]) {
      for (const guidanceScale of [1, 7.5]) {
        const cond = await pipe.prepare({ prompt, negativePrompt: null, guidanceScale });
        for (const seed of [11, 12])
          seen.add((await pipe.generate(cond, { seed, steps: 4, width: 64, height: 64 })).toString("base64"));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fixture: 16 images (64×64, 4 DDIM steps, CPU, 2 threads) in ${seconds.toFixed(2)} s`);
    expect(seen.size).toBe(16);
    expect(seconds).toBeLessThan(60);
  });
});

describe("execution provider selection", () => {
  it("auto runs on CUDA where it loads and otherwise on the CPU, saying why", async () => {
    const auto = await DiffusionPipeline.load(FIXTURE, { provider: "auto", threads: 1 });
    try {
      if (auto.provider.name === "cpu") expect(auto.provider.description).toMatch(/CUDA/);
      else expect(auto.provider.description).toMatch(/^cuda/);
      expect((await auto.generateImage({ ...BASE, steps: 1 })).length).toBeGreaterThan(0);
    } finally {
      await auto.release();
    }
  });

  it.skipIf(cudaBinariesMissing() === undefined)(
    "cuda, asked for explicitly, fails with the install hint instead of falling back",
    async () => {
      await expect(DiffusionPipeline.load(FIXTURE, { provider: "cuda", threads: 1 })).rejects.toThrow(
        /npm run install-cuda/,
      );
    },
  );
});
