import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, referenceImages, referenceScores, referenceSets, runs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { claimJob } from "../jobs/claim-job";
import { failJob } from "../jobs/fail-job";
import { startWorker } from "../workers/run-worker";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { getRunOrThrow } from "../runs/get-run-or-throw";
import {
  countRows,
  FIXTURE_MODEL,
  makeRunInput,
  removeDataDir,
  stageImage,
  storedFiles,
  useTempDataDir,
} from "../../tools/test-support/runs";
import { getBoardReferenceMetrics } from "./board-reference-metrics";
import { createReferenceSet, type CreateReferenceSetInput } from "./create-reference-set";
import { getReferenceSetOrThrow } from "./get-reference-set-or-throw";
import { listReferenceSets } from "./list-reference-sets";
import { computeReferenceMetrics } from "./reference-metrics";

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle"];
let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { batchSize: 8, threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
  createPromptSet({ name: "shapes", prompts: PROMPTS.map((text) => ({ prompt: text })) });
});
afterEach(() => removeDataDir(dir));

async function referenceInput(
  perPrompt: number,
  seedBase: number,
  extra: Partial<CreateReferenceSetInput> = {},
): Promise<CreateReferenceSetInput> {
  const items = [];
  for (let p = 0; p < PROMPTS.length; p++) {
    for (let k = 0; k < perPrompt; k++) {
      const img = await stageImage(dir, `ref-${seedBase}`, `r${p}-${k}.png`, {
        shape: p,
        color: p + 1,
        seed: seedBase * 1000 + p * 100 + k,
      });
      items.push({ ...img, fileName: `r${p}-${k}.png`, prompt: PROMPTS[p]! });
    }
  }
  return { name: "shapes-real", promptSet: "shapes", items, ...extra };
}

const work = () => startWorker({ evaluator: ev, exitWhenIdle: true, log: () => {} });

describe("reference sets", () => {
  it("scores a run against a tied reference set after scoring, with counts, version, flags and per-prompt CIs", async () => {
    const ref = await createReferenceSet(await referenceInput(6, 7));
    expect(ref).toMatchObject({ images: 18, queuedRuns: 0, referenceSet: { name: "shapes-real", version: 1 } });
    const { run } = await createRun({
      ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 6 })),
      promptSet: "shapes",
    });
    const stats = await work();
    expect(stats.jobsDone).toBe(2); // score_run, then reference_metrics
    expect(getDb().select({ kind: jobs.kind, status: jobs.status }).from(jobs).all()).toEqual([
      { kind: "score_run", status: "done" },
      { kind: "reference_metrics", status: "done" },
    ]);
    const m = getRunOrThrow(run.id).metrics!.reference;
    expect(m).toHaveLength(1);
    const r = m[0]!;
    expect(r).toMatchObject({
      referenceSet: { id: ref.referenceSet.id, version: 1, perPrompt: true },
      nGenerated: 18,
      nReference: 18,
    });
    expect(r.fdLabel).toBe(`FD_${ev.identity.name}`);
    // 18 samples in a 64-or-more-dimensional space: FD is flagged, not hidden.
    expect(r.fd.value).toBeGreaterThan(0);
    expect(r.fd.reliable).toBe(false);
    expect(r.fd.reason).toMatch(/fewer samples than dimensions|noisy/);
    for (const k of ["precision", "recall", "coverage"] as const) expect(r[k].value).toBeGreaterThanOrEqual(0);
    expect(r.perPrompt!.prompts).toBe(3);
    const rec = r.perPrompt!.recall.mean!;
    expect(rec.low).toBeLessThanOrEqual(rec.estimate);
    expect(rec.high).toBeGreaterThanOrEqual(rec.estimate);
    // Global CIs: a rule of the sizes, never of the time: 36 samples in a small space get them.
    expect(r.globalCiSkipped).toBeUndefined();
    for (const k of ["fd", "cmmd"] as const) {
      expect(r[k].ci!.low).toBeLessThanOrEqual(r[k].value!);
      expect(r[k].ci!.high).toBeGreaterThanOrEqual(r[k].value!);
      expect(r[k].ci!.method).toBe("bias-corrected percentile");
    }

    // The leaderboard's secondary view: diversity beside the picked metric, per-prompt mean with its CI for a tied set.
    const board = getBoardReferenceMetrics({ promptSet: "shapes", metric: "coverage", includeDemo: "true" });
    expect(board.evaluatorId).toBe(ev.identity.id);
    expect(board.rows).toEqual([
      expect.objectContaining({
        runId: run.id,
        referenceSet: "shapes-real",
        referenceVersion: 1,
        level: "per-prompt mean",
        value: r.perPrompt!.coverage.mean!.estimate,
        low: r.perPrompt!.coverage.mean!.low,
      }),
    ]);
    expect(board.rows[0]!.diversity).toBe(getRunOrThrow(run.id).metrics!.run.diversity);
    const fd = getBoardReferenceMetrics({ promptSet: "shapes", metric: "fd", includeDemo: "true" }).rows[0]!;
    expect(fd).toMatchObject({ level: "global", value: r.fd.value, reliable: false });
  });

  it("bootstraps FD and CMMD over prompts when the sizes allow, with intervals that contain the estimate, and says why not otherwise", async () => {
    const v = (seed: number) => Float32Array.from({ length: 8 }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
    const groups = [0, 1, 2, 3].map((p) => ({
      key: String(p),
      generated: [0, 1, 2, 3, 4].map((k) => v(p * 10 + k)),
      reference: [0, 1, 2, 3, 4].map((k) => v(100 + p * 10 + k)),
    }));
    const base = {
      referenceSet: { id: "ref_x", name: "x", version: 1, perPrompt: true },
      evaluator: { id: "e", name: "e" },
      groups,
    };
    const withCi = await computeReferenceMetrics(base);
    expect(withCi.globalCiSkipped).toBeUndefined();
    for (const k of ["fd", "cmmd"] as const) {
      const ci = withCi[k].ci!;
      expect(ci.low).toBeLessThanOrEqual(withCi[k].value!);
      expect(ci.high).toBeGreaterThanOrEqual(withCi[k].value!);
      // Upward under resampling (repeated images): the plain percentile interval would sit above the estimate.
      expect(ci.bias).toBeGreaterThan(0);
      expect(ci.low).toBeGreaterThanOrEqual(0);
    }
    expect(withCi.recall.ci).toBeUndefined();
    // The same data always gets the same answer: a deterministic rule of sizes and settings.
    expect((await computeReferenceMetrics(base)).fd.ci).toEqual(withCi.fd.ci);
    const none = await computeReferenceMetrics({ ...base, ciMaxWork: 0 });
    expect(none.globalCiSkipped).toMatch(
      /40 samples in 8 dimensions: 200 resamples would cost about .* over the 0\.0e\+0 limit/,
    );
    expect(none.fd.ci).toBeUndefined();
    expect(none.fd.value).toBe(withCi.fd.value);
  });

  it("gives FD 0, CMMD 0 and precision = recall = coverage = 1 when the reference holds the run's own images", async () => {
    const input = { ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 6 })), promptSet: "shapes" };
    const { run } = await createRun(input);
    await work();
    // The upload moved its staged files into the store: stage the same bytes again.
    fs.mkdirSync(path.join(dir, "staging", "same"), { recursive: true });
    const same = input.items.map(({ png, ...i }) => {
      const stagedPath = path.join(dir, "staging", "same", i.fileName);
      fs.writeFileSync(stagedPath, png);
      return { ...i, stagedPath, fileName: `same-${i.fileName}` };
    });
    const ref = await createReferenceSet({ name: "self", promptSet: "shapes", items: same });
    expect(ref.queuedRuns).toBe(1); // the already scored run gets a job
    await work();
    const r = getRunOrThrow(run.id).metrics!.reference[0]!;
    expect(r.fd.value).toBeCloseTo(0, 4);
    expect(r.cmmd.value).toBeCloseTo(0, 6);
    expect(r.precision.value).toBe(1);
    expect(r.recall.value).toBe(1);
    expect(r.coverage.value).toBe(1);
    expect(r.perPrompt!.recall.mean!.estimate).toBe(1);
  });

  it("compares every run with a global reference set, without per-prompt metrics", async () => {
    const input = await referenceInput(4, 3, { name: "global", promptSet: undefined });
    const ref = await createReferenceSet(input);
    expect(ref.referenceSet.promptSetId).toBeNull();
    const { run } = await createRun(
      await makeRunInput(dir, { prompts: ["a yellow star", "a black star"], perPrompt: 4 }),
    );
    await work();
    const r = getRunOrThrow(run.id).metrics!.reference[0]!;
    expect(r).toMatchObject({
      nGenerated: 8,
      nReference: 12,
      perPrompt: null,
      referenceSet: { name: "global", perPrompt: false },
    });
    expect(r.globalCiSkipped).toMatch(/global/);
  });

  it("versions a name, lists and shows sets, and embeds a set once per evaluator", async () => {
    await createReferenceSet(await referenceInput(3, 1));
    const v2 = await createReferenceSet(await referenceInput(3, 2));
    expect(v2.referenceSet.version).toBe(2);
    expect(listReferenceSets().map((s) => [s.name, s.version, s.imageCount, s.promptSet?.name])).toEqual([
      ["shapes-real", 2, 9, "shapes"],
      ["shapes-real", 1, 9, "shapes"],
    ]);
    const d = getReferenceSetOrThrow("shapes-real");
    expect(d).toMatchObject({
      id: v2.referenceSet.id,
      imageCount: 9,
      prompts: PROMPTS.map((p) => ({ prompt: p, images: 3 })),
    });
    expect(getReferenceSetOrThrow("shapes-real", 1).version).toBe(1);
    expect(() => getReferenceSetOrThrow("nope")).toThrow(/no reference set "nope"/);

    const { run: a } = await createRun({
      ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 4, seedBase: 1 })),
      promptSet: "shapes",
    });
    await work();
    const embeddedAfterFirst = countRows((await import("../../db/schema")).embeddings);
    const { run: b } = await createRun({
      ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 4, seedBase: 2 })),
      promptSet: "shapes",
    });
    await work();
    // The second run adds its 12 images; the reference set's 9 come from the cache.
    expect(countRows((await import("../../db/schema")).embeddings) - embeddedAfterFirst).toBe(12);
    // Only the latest version is applied.
    for (const id of [a.id, b.id])
      expect(getRunOrThrow(id).metrics!.reference.map((r) => r.referenceSet.version)).toEqual([2]);
  });

  it("refuses prompts outside the prompt set and bad input, leaving no rows and no files", async () => {
    const input = await referenceInput(2, 5);
    input.items[1] = { ...input.items[1]!, prompt: "not in the set" };
    await expect(createReferenceSet(input)).rejects.toMatchObject({
      code: "validation_failed",
      details: { unknownPrompts: ["not in the set"] },
    });
    await expect(createReferenceSet({ ...input, promptSet: "missing" })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await expect(createReferenceSet({ ...input, items: input.items.slice(0, 1) })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await expect(createReferenceSet({ ...(await referenceInput(2, 5)), name: "../bad" })).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(countRows(referenceSets) + countRows(referenceImages)).toBe(0);
    expect(storedFiles(dir)).toEqual([]);
  });

  it("a reference_metrics job that fails for good leaves its run scored", async () => {
    const { run } = await createRun({
      ...(await makeRunInput(dir, { prompts: PROMPTS, perPrompt: 3 })),
      promptSet: "shapes",
    });
    await work();
    await createReferenceSet(await referenceInput(3, 9));
    const job = claimJob("w")!;
    expect(job.kind).toBe("reference_metrics");
    getDb().update(jobs).set({ attempts: job.maxAttempts }).where(eq(jobs.id, job.id)).run();
    expect(failJob(job.id, "w", "boom")).toBe("failed");
    expect(getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, run.id)).get()!.status).toBe("scored");
    expect(countRows(referenceScores)).toBe(0);
  });
});
