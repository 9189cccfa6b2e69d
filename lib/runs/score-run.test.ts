import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { embeddings, jobs, promptScores, runScores, runs, sampleScores, samples } from "../../db/schema";
import { claimJob } from "../jobs/claim-job";
import { scoreBatch } from "../scoring/score-batch";
import { pathFor } from "../storage/content-store";
import { createRun } from "./create-run";
import { getRunOrThrow } from "./get-run-or-throw";
import { scoreRun } from "./score-run";
import { countRows, makeRunInput } from "../../tools/test-support/runs";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const fixture = fixtureEvaluator({ batchSize: 4 });
const data = dataDirPerTest();

async function scoreQueued(opts: { chunkSize?: number } = {}) {
  const job = claimJob("test-worker")!;
  const result = await scoreRun({
    runId: job.runId,
    evaluator: fixture.ev,
    lease: { jobId: job.id, workerId: "test-worker", leaseMs: 60_000 },
    ...opts,
  });
  return { job, result };
}

describe("scoreRun", () => {
  it("stores the same per-sample, per-prompt and run scores as scoreBatch on the same images", async () => {
    const input = await makeRunInput(data.dir, {
      prompts: ["a red square", "a green circle on white", "a blue triangle", "a yellow star"],
      perPrompt: 3,
    });
    // One prompt with a single image: its diversity is undefined, with a reason.
    input.items = input.items.filter((i) => !(i.prompt === "a yellow star" && i.seed! > 0));
    const report = await scoreBatch(
      fixture.ev,
      input.items.map((i) => ({ file: i.fileName, prompt: i.prompt!, image: i.png })),
    );
    const { run } = await createRun(input);
    const { job, result } = await scoreQueued({ chunkSize: 4 });
    expect(result).toMatchObject({
      status: "scored",
      samples: 10,
      failed: 0,
      imagesEmbedded: 10,
      imageCacheHits: 0,
      textsEmbedded: 4,
    });

    const detail = getRunOrThrow(run.id);
    expect(detail).toMatchObject({
      status: "scored",
      progress: { done: 10, total: 10, imagesEmbedded: 10, imageCacheHits: 0 },
      errors: [],
    });
    expect(detail.evaluator).toMatchObject({
      id: fixture.ev.identity.id,
      isFixture: true,
      warning: expect.stringContaining("random weights"),
    });
    expect(getDb().select().from(jobs).where(eq(jobs.id, job.id)).get()).toMatchObject({ status: "done" });

    const cos = getDb()
      .select({ file: samples.fileName, cosine: sampleScores.cosine })
      .from(sampleScores)
      .innerJoin(samples, eq(samples.id, sampleScores.sampleId))
      .all();
    const byFile = new Map(cos.map((c) => [c.file, c.cosine!]));
    for (const item of report.items) expect(byFile.get(item.file)).toBeCloseTo(item.cosine!, 6);

    const m = detail.metrics!;
    expect(m.prompts.map((p) => p.prompt)).toEqual(report.groups.map((g) => g.group).sort());
    for (const g of report.groups) {
      const p = m.prompts.find((x) => x.prompt === g.group)!;
      expect(p.n).toBe(g.n);
      for (const k of ["clipScore", "clipS", "diversity", "vendi"] as const) {
        if (g[k] === null) expect(p[k]).toBeNull();
        else expect(p[k]).toBeCloseTo(g[k]!, 6);
      }
      expect(p.diversityReason ?? undefined).toBe(g.diversityReason);
    }
    const s = report.summary;
    expect(m.run).toMatchObject({
      n: s.n,
      failed: s.failed,
      groups: s.groups,
      diversityGroups: s.diversityGroups,
      truncatedPrompts: s.truncated,
    });
    for (const k of ["clipScore", "clipS", "diversity", "vendi"] as const) {
      expect(m.run[k]).toBeCloseTo(s[k]!, 6);
      expect(m.run.ci[k]!.low).toBeCloseTo(s.ci[k]!.low, 6);
      expect(m.run.ci[k]!.high).toBeCloseTo(s.ci[k]!.high, 6);
      expect(m.run.ci[k]).toMatchObject({ B: 1000, seed: 0, level: 0.95 });
    }
    expect(m.run.metricVersions).toEqual({ clipScore: 1, clipS: 1, diversity: 1, vendi: 1 });
    expect(m.labels.map((l) => l.name)).toEqual(["clipScore", "clipS", "diversity", "vendi"]);
  });

  it("embeds no image twice: a second run of the same images is scored from the cache", async () => {
    await createRun(await makeRunInput(data.dir, { folder: "a" }));
    await scoreQueued();
    const cached = countRows(embeddings);
    expect(cached).toBe(9 + 3);

    const { run } = await createRun({ ...(await makeRunInput(data.dir, { folder: "b" })), guidanceScale: 1 });
    const spy = vi.spyOn(fixture.ev, "embedImages");
    const { result } = await scoreQueued();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(result).toMatchObject({ imagesEmbedded: 0, imageCacheHits: 9, textsEmbedded: 0, textCacheHits: 3 });
    expect(countRows(embeddings)).toBe(cached);
    expect(getRunOrThrow(run.id).progress).toMatchObject({ done: 9, imagesEmbedded: 0, imageCacheHits: 9 });
  });

  it("records per-sample errors and scores the rest; a run where every sample fails is marked failed", async () => {
    const input = await makeRunInput(data.dir, { perPrompt: 2 });
    const { run } = await createRun(input);
    // The stored file of one sample is damaged after upload.
    fs.writeFileSync(pathFor(input.items[1]!.sha256, "png"), "garbage");
    await scoreQueued();
    const detail = getRunOrThrow(run.id);
    expect(detail.status).toBe("scored");
    expect(detail.errors).toEqual([
      expect.objectContaining({ fileName: input.items[1]!.fileName, code: "image_unreadable" }),
    ]);
    expect(detail.metrics!.run).toMatchObject({ n: 6, failed: 1 });
    expect(detail.metrics!.prompts.find((p) => p.prompt === input.items[1]!.prompt)).toMatchObject({
      n: 2,
      failed: 1,
      diversity: null,
    });

    const bad = await makeRunInput(data.dir, { perPrompt: 1, seedBase: 7 });
    const { run: run2 } = await createRun(bad);
    for (const i of bad.items) fs.writeFileSync(pathFor(i.sha256, "png"), "garbage");
    const { job, result } = await scoreQueued();
    expect(result.status).toBe("failed");
    const d2 = getRunOrThrow(run2.id);
    expect(d2.status).toBe("failed");
    expect(d2.error).toMatch(/every sample failed to score: 3× image_unreadable/);
    expect(d2.errors).toHaveLength(3);
    expect(getDb().select().from(jobs).where(eq(jobs.id, job.id)).get()!.status).toBe("done");
  });

  it("is idempotent: scoring a scored run again changes nothing and duplicates no rows", async () => {
    const { run } = await createRun(await makeRunInput(data.dir));
    await scoreQueued();
    const snapshot = () => ({
      samples: getDb()
        .select()
        .from(sampleScores)
        .all()
        .map(({ createdAt: _c, ...r }) => r),
      prompts: getDb().select().from(promptScores).all(),
      run: getDb()
        .select()
        .from(runScores)
        .where(and(eq(runScores.runId, run.id)))
        .all()
        .map(({ computedAt: _c, ...r }) => r),
    });
    const before = snapshot();
    await scoreRun({ runId: run.id, evaluator: fixture.ev });
    expect(snapshot()).toEqual(before);
    expect(getDb().select().from(runs).get()!.status).toBe("scored");
  });

  it("stops writing once another worker holds the lease", async () => {
    await createRun(await makeRunInput(data.dir));
    const job = claimJob("a", 1)!;
    await new Promise((r) => setTimeout(r, 5));
    claimJob("b", 60_000);
    await expect(
      scoreRun({ runId: job.runId, evaluator: fixture.ev, lease: { jobId: job.id, workerId: "a", leaseMs: 60_000 } }),
    ).rejects.toThrow(/no longer holds the lease/);
    expect(countRows(sampleScores)).toBe(0);
  });
});
