// In the toy world the distribution metrics mean something: a variant that draws from the
// scenes a caption allows reaches more of the reference set than one that always draws the same
// scene (mode collapse), measured by the trained toy evaluator.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { ClipEvaluator } from "../clip/evaluator";
import { startWorker } from "../workers/run-worker";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { getRunOrThrow } from "../runs/get-run-or-throw";
import { removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { scenesForCaption } from "../toy-world/caption-scenes";
import { renderScenePng } from "../toy-world/render";
import { getPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { createToyReferenceSet } from "./create-toy-reference-set";
import { rankOnReferenceAxis } from "../leaderboard/rank-on-reference-axis";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { referenceScores } from "../../db/schema";
import { enqueueJob } from "../jobs/enqueue-job";

const CAPTIONS = ["a red shape", "two blue stars", "a green circle on the left", "a yellow square and a purple ring"];
let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(path.resolve("fixtures/clip-toy"), { batchSize: 32, threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir({ T2I_MODEL_DIR: "toy" });
  createPromptSet({ name: "toy-captions", prompts: CAPTIONS.map((prompt) => ({ prompt })) });
});
afterEach(() => removeDataDir(dir));

async function toyRun(variant: string, collapsed: boolean) {
  const folder = path.join(dir, "staging", variant);
  fs.mkdirSync(folder, { recursive: true });
  const items = [];
  for (const [p, caption] of CAPTIONS.entries()) {
    const scenes = scenesForCaption(caption, 12, 50_000 + p * 1000);
    for (let k = 0; k < 12; k++) {
      const png = await renderScenePng(collapsed ? scenes[0]! : scenes[k]!);
      const fileName = `${p}-${k}.png`;
      fs.writeFileSync(path.join(folder, fileName), png);
      items.push({
        fileName,
        prompt: caption,
        stagedPath: path.join(folder, fileName),
        sha256: createHash("sha256").update(png).digest("hex"),
        bytes: png.length,
        width: 64,
        height: 64,
        format: "png" as const,
      });
    }
  }
  const { run } = await createRun({
    variant,
    createVariantIfMissing: { conditioningType: "text_sequence" },
    promptSet: "toy-captions",
    guidanceScale: 3,
    items,
  });
  return run.id;
}

it("npm run toy:reference's set gives a faithful variant higher recall and coverage than a mode-collapsed one", async () => {
  const ref = await createToyReferenceSet({ promptSet: "toy-captions", perPrompt: 16, seed: 0 });
  expect(ref).toMatchObject({ images: 64, referenceSet: { name: "toy-captions-truth", version: 1 } });
  const faithful = await toyRun("faithful", false);
  const collapsed = await toyRun("collapsed", true);
  await startWorker({ evaluator: ev, exitWhenIdle: true, log: () => {} });
  const f = getRunOrThrow(faithful).metrics!.reference[0]!;
  const c = getRunOrThrow(collapsed).metrics!.reference[0]!;
  expect(f.perPrompt!.recall.mean!.estimate).toBeGreaterThan(c.perPrompt!.recall.mean!.estimate + 0.2);
  expect(f.perPrompt!.coverage.mean!.estimate).toBeGreaterThan(c.perPrompt!.coverage.mean!.estimate + 0.2);
  expect(f.recall.value!).toBeGreaterThan(c.recall.value!);
  expect(f.fd.value!).toBeLessThan(c.fd.value!);

  // The leaderboard's diversity axis switched to recall / coverage: the same ranking method, with
  // each run placed at its per-prompt mean.
  const promptSetId = getPromptSetOrThrow("toy-captions").id;
  for (const axis of ["recall", "coverage"] as const) {
    const r = rankOnReferenceAxis({ promptSetId, evaluatorId: ev.identity.id, includeDemo: true }, axis)!;
    expect(r).toMatchObject({ axis, referenceSet: { name: "toy-captions-truth", version: 1 }, runsWithout: 0 });
    const curves = [...r.ranking.ranked, ...r.ranking.unranked].flatMap((v) => v.curve);
    expect(curves.find((p) => p.runId === faithful)!.diversity).toBeCloseTo(f.perPrompt![axis].mean!.estimate, 12);
    expect(curves.find((p) => p.runId === collapsed)!.diversity).toBeCloseTo(c.perPrompt![axis].mean!.estimate, 12);
  }
});

it("lists a variant whose runs' comparisons are still queued as waiting on the switched axis, not as unranked by its id", async () => {
  await createToyReferenceSet({ promptSet: "toy-captions", perPrompt: 8, seed: 0 });
  const faithful = await toyRun("faithful", false);
  const collapsed = await toyRun("collapsed", true);
  await startWorker({ evaluator: ev, exitWhenIdle: true, log: () => {} });
  // As while the queue works: the collapsed run is scored, its comparison queued again.
  getDb().delete(referenceScores).where(eq(referenceScores.runId, collapsed)).run();
  enqueueJob(getDb(), { kind: "reference_metrics", runId: collapsed });
  const promptSetId = getPromptSetOrThrow("toy-captions").id;
  const r = rankOnReferenceAxis({ promptSetId, evaluatorId: ev.identity.id, includeDemo: true }, "recall")!;
  const variantOf = (runId: string) => getRunOrThrow(runId).variant.id;
  expect(r.waiting).toEqual([{ variantId: variantOf(collapsed), runs: 1, queued: 1 }]);
  expect(r.runsWithout).toBe(1);
  const listed = [...r.ranking.ranked, ...r.ranking.unranked].map((v) => v.variantId);
  expect(listed).toEqual([variantOf(faithful)]);
});
