// The four committed toy generators (fixtures/toy-gen) on onnxruntime: they load, a sample
// depends on its seed alone, the prior's embeddings vary, and guidance moves fidelity and
// diversity the expected way on held-out prompts as the toy evaluator scores them. The Python
// twin (research/toy-world/sample_gen.py, through the command engine) gives the same latents.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipEvaluator } from "../clip/evaluator";
import { TOY_MODEL_DIR } from "../clip/resolve-model";
import { CommandEngine } from "../generation/worker-client/command-engine";
import { ToyEngine } from "../generation/worker-client/engines/toy-engine";
import type { Task } from "../generation/worker-client/task-schema";
import { pairwiseDiversity } from "../metrics/pairwise-diversity";
import { LATENT_DIM } from "./latent";
import { measureGuidance } from "../../tools/toy/measure-guidance";
import { seededNormals, TOY_CONDITIONINGS, TOY_VARIANTS, ToyGenerator } from "./toy-generator";
import { toyPrompts } from "./toy-prompts";

const PY = "/usr/bin/python3";
const hasTorch = fs.existsSync(PY) && spawnSync(PY, ["-c", "import torch, onnx"], { stdio: "ignore" }).status === 0;

const task = (variant: string, prompt: string, seeds: number[], guidanceScale = 3, steps = 20): Task => ({
  id: "task_1",
  leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
  attempt: 1,
  generationId: "gen_1",
  replicate: null,
  runId: "run_1",
  variant,
  prompt: { id: "p1", text: prompt },
  negativePrompt: null,
  guidanceScale,
  steps,
  sampler: "ddim",
  width: 64,
  height: 64,
  samples: seeds.map((seed, index) => ({ index, seed })),
});

async function collect(engine: { generate: ToyEngine["generate"] }, t: Task): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await engine.generate(t, {
    signal: new AbortController().signal,
    onSample: async (i, png) => void (out[i] = png),
    log: () => {},
  });
  return out;
}

describe("toy generators", () => {
  const engine = new ToyEngine({ threads: 1 });
  afterAll(() => engine.close());

  it("load all four and give the same image for the same seed, whatever else the task holds", async () => {
    for (const variant of Object.keys(TOY_VARIANTS)) {
      const [a, b] = await collect(engine, task(variant, "a red circle and a blue square", [11, 12]));
      const [b2] = await collect(engine, task(variant, "a red circle and a blue square", [12]));
      expect(b2!.equals(b!), variant).toBe(true);
      expect(a!.equals(b!), variant).toBe(false);
    }
  }, 120_000);

  it("refuses a variant it has no generator for and a sampler it does not run", async () => {
    await expect(collect(engine, task("sd15", "a star", [1]))).rejects.toThrow(/toy-text-sequence/);
    await expect(collect(engine, { ...task("toy-clip-text", "a star", [1]), sampler: "euler" })).rejects.toThrow(
      /ddim/,
    );
  });

  it("draws varied image embeddings from the prior", async () => {
    const g = await ToyGenerator.load("clip_image_embedding", { threads: 1 });
    const samples = await g.sample("a shape", [1, 2, 3, 4, 5, 6, 7, 8], { guidance: 1, steps: 10 });
    await g.close();
    // The decoder sees unit embeddings ×8; the metric wants unit vectors.
    const d = pairwiseDiversity(samples.map((s) => Array.from(s.imageEmbedding!, (v) => v / 8)));
    // Unit embeddings of one prompt: 0 would be one embedding repeated.
    expect(d.value).toBeGreaterThan(0.05);
  });

  it("draws the noise stream gen.py draws (mulberry32 + Box–Muller), so CI checks parity without torch", () => {
    // /usr/bin/python3 -c "import gen; print(gen.Mulberry32(7).normals(4))" (float32 there, hence 1e-6).
    const expected = [0.1419704407453537, 0.05824071541428566, -0.864253044128418, -2.6056809425354004];
    Array.from(seededNormals(7, 4)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(seededNormals(7, LATENT_DIM).slice(0, 4)).toEqual(seededNormals(7, 4));
  });
});

describe("guidance on held-out prompts, scored by the toy evaluator", () => {
  const engine = new ToyEngine({ threads: 1 });
  let evaluator: ClipEvaluator;
  beforeAll(async () => {
    evaluator = await ClipEvaluator.load(TOY_MODEL_DIR, { batchSize: 32, threads: 1 });
  });
  afterAll(() => engine.close());

  // toy-text-sequence only: with the pooled embeddings guidance does not raise CLIPScore (toy:gen-evaluate, MODEL_CARD.md).
  it.each(["toy-text-sequence"])(
    "%s: guidance 8 raises CLIPScore and lowers diversity against guidance 1",
    async (variant) => {
      const prompts = toyPrompts(4);
      const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
      const at = (guidance: number) =>
        measureGuidance(evaluator, prompts, seeds, (p, s) => collect(engine, task(variant, p, s, guidance, 20)));
      const low = await at(1);
      const high = await at(8);
      expect(high.clipScore.estimate).toBeGreaterThan(low.clipScore.estimate);
      expect(high.diversity.estimate).toBeLessThan(low.diversity.estimate);
    },
    180_000,
  );
});

describe.skipIf(!hasTorch)(
  `the Python twin through the command engine${hasTorch ? "" : " (skipped: /usr/bin/python3 with torch and onnx is missing; CI has no torch)"}`,
  () => {
    const seeds = [3, 4];
    const prompt = "two blue stars";

    it.each(TOY_CONDITIONINGS.map((c) => Object.keys(TOY_VARIANTS).find((v) => TOY_VARIANTS[v] === c)!))(
      "%s: same seeds give the same latents (max |Δ| < 1e-3) and the same pictures",
      async (variant) => {
        const t = task(variant, prompt, seeds, 3, 20);
        const g = await ToyGenerator.load(TOY_VARIANTS[variant]!, { threads: 1 });
        const ts = await g.sample(prompt, seeds, { guidance: 3, steps: 20 });
        await g.close();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toy-py-"));
        const file = path.join(dir, "task.json");
        fs.writeFileSync(
          file,
          JSON.stringify({
            version: 1,
            variant,
            prompt,
            guidanceScale: 3,
            steps: 20,
            width: 64,
            height: 64,
            samples: t.samples,
            outputDir: dir,
          }),
        );
        const out = JSON.parse(
          execFileSync(PY, ["research/toy-world/sample_gen.py", "--latents"], {
            env: { ...process.env, T2I_TASK_FILE: file },
          }).toString(),
        ) as { latents: number[][] };
        const diff = Math.max(
          ...ts.flatMap((s, i) => Array.from(s.latent, (v, k) => Math.abs(v - out.latents[i]![k]!))),
        );
        expect(diff).toBeLessThan(1e-3);
        const viaCommand = await collect(new CommandEngine({ command: `${PY} research/toy-world/sample_gen.py` }), t);
        const viaToy = await collect(new ToyEngine({ threads: 1 }), t);
        viaCommand.forEach((png, i) => expect(png.equals(viaToy[i]!)).toBe(true));
      },
      180_000,
    );
  },
);
