// The evaluator's towers on an execution provider: the CPU when asked, `auto` falling back to the
// CPU with the reason where CUDA cannot load (every machine without onnxruntime-node's CUDA
// binaries, such as CI), `cuda` refusing to run without it. The CUDA path itself is checked on a
// GPU machine by `npm run check:cuda` (docs/guides/deploy.md), never by this suite.
import { describe, expect, it } from "vitest";
import { cudaBinariesMissing, cudaListed } from "../core/execution-provider";
import { CUDA_BATCH_SIZE, ClipEvaluator, DEFAULT_BATCH_SIZE } from "./evaluator";
import { FIXTURE_MODEL_DIR } from "./resolve-model";

const cudaUnavailable = !cudaListed() || cudaBinariesMissing() !== undefined;

describe("the evaluator's execution provider", () => {
  it("runs on the CPU when asked, with CPU-sized batches, and embeds the same as the default", async () => {
    const cpu = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { threads: 1, executionProvider: "cpu" });
    const plain = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { threads: 1 });
    try {
      expect(cpu.provider).toMatchObject({
        name: "cpu",
        description: expect.stringMatching(/^cpu \(requested\), 1 threads/),
      });
      expect(cpu.batchSize).toBe(DEFAULT_BATCH_SIZE);
      const [a] = await cpu.embedTexts(["a red square"]);
      const [b] = await plain.embedTexts(["a red square"]);
      expect(Array.from(a!.embedding)).toEqual(Array.from(b!.embedding));
    } finally {
      await Promise.all([cpu.release(), plain.release()]);
    }
  });

  it.skipIf(!cudaUnavailable)(
    "auto falls back to the CPU and says why; cuda refuses with how to install it",
    async () => {
      const auto = await ClipEvaluator.load(FIXTURE_MODEL_DIR, { threads: 1, executionProvider: "auto" });
      try {
        expect(auto.provider.name).toBe("cpu");
        expect(auto.provider.description).toMatch(/CUDA unavailable|lists no CUDA/);
        expect(auto.batchSize).toBe(DEFAULT_BATCH_SIZE);
        expect(CUDA_BATCH_SIZE).toBeGreaterThan(DEFAULT_BATCH_SIZE);
      } finally {
        await auto.release();
      }
      await expect(ClipEvaluator.load(FIXTURE_MODEL_DIR, { threads: 1, executionProvider: "cuda" })).rejects.toThrow(
        /CUDA|cuda/,
      );
    },
  );
});
