// Distribution metrics in an image feature space: with T2I_FEATURE_EXTRACTORS naming the DINOv2
// fixture, a run is compared with a reference set in the CLIP evaluator's space and in DINOv2's,
// each stored, labelled (FD_dinov2-tiny (dgm-eval)) and shown apart; the DINOv2 numbers are those of
// the extractor's raw features; two spaces are never mixed in one comparison.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClipEvaluator } from "../clip/evaluator";
import { ImageFeatureExtractor } from "../clip/feature-extractor";
import { isAppError } from "../core/errors";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { distributionMetrics } from "../metrics/distribution";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { getRunOrThrow } from "../runs/get-run-or-throw";
import { read } from "../storage/content-store";
import { startWorker } from "../workers/run-worker";
import { getDb } from "../../db/client";
import { samples } from "../../db/schema";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, stageImage, useTempDataDir } from "../../tools/test-support/runs";
import { getBoardReferenceMetrics } from "./board-reference-metrics";
import { createReferenceSet } from "./create-reference-set";
import { getReferenceSetOrThrow } from "./get-reference-set-or-throw";
import { assertOneFeatureSpace } from "./reference-metrics";
import { eq } from "drizzle-orm";

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle"];
let ev: ClipEvaluator;
let dino: ImageFeatureExtractor;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { batchSize: 8, threads: 1 });
  dino = await ImageFeatureExtractor.load("fixtures/dinov2-tiny", { threads: 1 });
});
afterAll(() => Promise.all([ev.release(), dino.release()]));
beforeEach(() => {
  dir = useTempDataDir({ T2I_FEATURE_EXTRACTORS: "dinov2-fixture" });
  createPromptSet({ name: "shapes", prompts: PROMPTS.map((text) => ({ prompt: text })) });
});
afterEach(() => {
  delete process.env.T2I_FEATURE_EXTRACTORS;
  removeDataDir(dir);
});

async function referenceSet() {
  const items = [];
  for (let p = 0; p < PROMPTS.length; p++)
    for (let k = 0; k < 5; k++) {
      const img = await stageImage(dir, "ref", `r${p}-${k}.png`, { shape: p, color: p + 2, seed: 900 + p * 10 + k });
      items.push({ ...img, fileName: `r${p}-${k}.png`, prompt: PROMPTS[p]! });
    }
  return createReferenceSet({ name: "shapes-real", promptSet: "shapes", items });
}

describe("image feature spaces", () => {
  it("compares a run with a reference set in DINOv2 features too, labelled, on the extractor's raw features", async () => {
    const ref = await referenceSet();
    const { run } = await createRun({
      ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 5 })),
      promptSet: "shapes",
    });
    await startWorker({ evaluator: ev, exitWhenIdle: true, log: () => {} });

    const detail = getRunOrThrow(run.id).metrics!;
    expect(detail.reference).toHaveLength(1);
    expect(detail.reference[0]!.fdLabel).toBe(`FD_${ev.identity.name}`);
    expect(detail.featureSpaces).toHaveLength(1);
    const space = detail.featureSpaces[0]!;
    expect(space.featureSpace).toMatchObject({
      id: dino.identity.id,
      label: "dinov2-tiny (dgm-eval)",
      recipe: "dgm-eval",
      isFixture: true,
      warning: expect.stringContaining("random weights"),
    });
    const m = space.reference[0]!;
    expect(m).toMatchObject({
      fdLabel: "FD_dinov2-tiny (dgm-eval)",
      cmmdLabel: "CMMD_dinov2-tiny (dgm-eval)",
      evaluator: { id: dino.identity.id, kind: "image-features", recipe: "dgm-eval" },
      dim: 32,
      nGenerated: 15,
      nReference: 15,
    });

    // The same numbers from the extractor directly: the run's and the reference's raw features.
    const runShas = getDb().select({ sha: samples.imageSha256 }).from(samples).where(eq(samples.runId, run.id)).all();
    const refShas = getReferenceSetOrThrow(ref.referenceSet.id).images.map((i) => i.sha256);
    const embed = async (shas: string[]) =>
      (await dino.embedImages(shas.map((s) => () => read(s, "png")))).map((e) => e.embedding!);
    const direct = await distributionMetrics(await embed(runShas.map((r) => r.sha)), await embed(refShas));
    expect(m.fd.value).toBeCloseTo(direct.fd.value, 6);
    expect(m.precision.value).toBe(direct.precision);
    expect(m.coverage.value).toBe(direct.coverage);

    // The reference set's page groups by feature space; the leaderboard's view picks one.
    const scores = getReferenceSetOrThrow(ref.referenceSet.id).scores;
    expect(new Set(scores.map((s) => s.evaluatorId))).toEqual(new Set([ev.identity.id, dino.identity.id]));
    const board = getBoardReferenceMetrics({
      promptSet: "shapes",
      featureSpace: dino.identity.id,
      metric: "fd",
      includeDemo: "true",
    });
    expect(board.evaluatorId).toBe(ev.identity.id);
    expect(board.featureSpace).toEqual({
      id: dino.identity.id,
      label: "dinov2-tiny (dgm-eval)",
      kind: "image-features",
    });
    expect(board.rows.map((r) => r.value)).toEqual([m.fd.value]);
    expect(getBoardReferenceMetrics({ promptSet: "shapes", metric: "fd", includeDemo: "true" }).rows[0]!.value).toBe(
      detail.reference[0]!.fd.value,
    );
  }, 120_000);

  it("refuses to mix two feature spaces, naming both identities", () => {
    const e = (() => {
      try {
        assertOneFeatureSpace("clip-a@111111111111", "dinov2-large+dgm-eval@222222222222");
      } catch (err) {
        return err;
      }
    })();
    expect(isAppError(e) && e.code).toBe("validation_failed");
    expect((e as Error).message).toContain("clip-a@111111111111");
    expect((e as Error).message).toContain("dinov2-large+dgm-eval@222222222222");
    // Asking the leaderboard's view for one CLIP's diversity beside another CLIP's FD.
    getDb().transaction((tx) => {
      recordEvaluator(tx, ev.identity);
      recordEvaluator(tx, { ...ev.identity, id: "other-clip@abcdefabcdef" });
    });
    expect(() =>
      getBoardReferenceMetrics({
        promptSet: "shapes",
        evaluator: ev.identity.id,
        featureSpace: "other-clip@abcdefabcdef",
        metric: "fd",
        includeDemo: "true",
      }),
    ).toThrow(/other-clip@abcdefabcdef/);
  });
});
