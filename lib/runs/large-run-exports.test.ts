// A run at the size limits: the run page reads one bounded page of prompts and their first samples
// (sorted in SQL), and the CSV and JSON exports stream in batches instead of building the body.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as samplesGET } from "@/app/api/v1/runs/[id]/samples/route";
import { GET as promptsGET } from "@/app/api/v1/runs/[id]/prompts/route";
import { insertLargeRun, type LargeRun } from "../../tools/test-support/large-run";
import { removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { getRunOrThrow } from "./get-run-or-throw";
import { listRunSamples } from "./list-run-samples";
import { listSampleScores } from "./list-sample-scores";
import { RUN_PAGE_PROMPTS, runPromptsPage } from "./run-prompts-page";

let dir: string;
let big: LargeRun;
beforeAll(() => {
  dir = useTempDataDir({ T2I_RATE_LIMIT_READS_PER_MIN: "0" });
  // 300 prompts of 5,000 characters × 8 samples = 2,400 samples.
  big = insertLargeRun({ prompts: 300, perPrompt: 8, promptChars: 5000 });
});
afterAll(() => {
  delete process.env.T2I_RATE_LIMIT_READS_PER_MIN;
  removeDataDir(dir);
});

/** Reads a streamed body chunk by chunk. */
async function chunks(res: Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}
const text = (cs: Uint8Array[]) => Buffer.concat(cs).toString("utf8");
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

describe("the run page of a large run", () => {
  it("reads one page of prompts, sorted in SQL, and at most 16 samples of each", () => {
    const run = getRunOrThrow(big.runId, { promptRows: false, maxErrors: 50 });
    expect(run.metrics!.prompts).toEqual([]);
    const first = runPromptsPage(big.runId, big.evaluatorId);
    expect(first).toMatchObject({ scored: true, total: 300, page: 1, pages: 12, pageSize: RUN_PAGE_PROMPTS });
    expect(first.rows.map((r) => r.promptId)).toEqual(Array.from({ length: 25 }, (_, i) => `p${i}`));
    const last = runPromptsPage(big.runId, big.evaluatorId, { page: 99 });
    expect(last.page).toBe(12);
    expect(last.rows).toHaveLength(300 - 11 * 25);
    // Sorted by CLIP score over the whole run, not within a page.
    const best = runPromptsPage(big.runId, big.evaluatorId, { sort: "clipScore", dir: "desc" }).rows;
    expect(best[0]!.clipScore).toBeCloseTo(20 + 96 / 10);
    const worst = runPromptsPage(big.runId, big.evaluatorId, { sort: "clipScore", dir: "asc" }).rows;
    expect(worst[0]!.clipScore).toBeCloseTo(20);
    const grids = listRunSamples(big.runId, big.evaluatorId, {
      perPrompt: 4,
      promptRowIds: first.rows.map((r) => r.promptRowId),
    });
    expect(grids).toHaveLength(25);
    expect(grids.every((g) => g.samples.length === 4 && g.total === 8)).toBe(true);
  });

  it("before scores exist, pages over the run's prompts in prompt-set order", () => {
    const unscored = runPromptsPage(big.runId, "no-such-evaluator", { page: 2 });
    expect(unscored).toMatchObject({ scored: false, total: 300, page: 2 });
    expect(unscored.rows[0]).toMatchObject({ promptId: "p25", clipScore: null });
  });
});

describe("exports of a large run", () => {
  it("the samples CSV streams in batches and holds every sample", async () => {
    const res = await samplesGET(
      new Request(`http://localhost/api/v1/runs/${big.runId}/samples?format=csv`),
      ctx(big.runId),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const cs = await chunks(res);
    // Before: one chunk, the whole 12 MB body built in memory.
    expect(cs.length).toBeGreaterThan(4);
    expect(Math.max(...cs.map((c) => c.byteLength))).toBeLessThan(4 * 1024 * 1024);
    const lines = text(cs).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "evaluator,runId,variant,guidanceScale,replicate,file,promptId,prompt,seed,sampleIndex,cosine,clipScore,truncated,error,imageSha256",
    );
    expect(lines).toHaveLength(1 + big.samples);
    // Each row names its run first (files of several runs concatenate), then the sample.
    expect(lines[1]).toMatch(/^[^,]*,run_[^,]+,[^,]+,[0-9.]+,,prompt-0\/sample-0\.png,p0,"?0: a long prompt/);
  });

  it("a JSON page of samples streams the same page as before", async () => {
    const url = `http://localhost/api/v1/runs/${big.runId}/samples?limit=1200&offset=600`;
    const body = JSON.parse(text(await chunks(await samplesGET(new Request(url), ctx(big.runId)))));
    expect(body).toEqual(JSON.parse(JSON.stringify(listSampleScores(big.runId, { limit: 1200, offset: 600 }))));
    expect(body).toMatchObject({
      total: 2400,
      limit: 1200,
      offset: 600,
      next: `/api/v1/runs/${big.runId}/samples?limit=1200&offset=1800`,
    });
    expect(body.samples).toHaveLength(1200);
    expect(body.samples[0].file).toBe("prompt-75/sample-0.png");
  });

  it("the per-prompt CSV and JSON stream every prompt in prompt-set order", async () => {
    const csv = await chunks(
      await promptsGET(new Request(`http://localhost/api/v1/runs/${big.runId}/prompts?format=csv`), ctx(big.runId)),
    );
    expect(csv.length).toBeGreaterThan(1);
    expect(text(csv).trimEnd().split("\n")).toHaveLength(301);
    const json = JSON.parse(
      text(
        await chunks(
          await promptsGET(new Request(`http://localhost/api/v1/runs/${big.runId}/prompts`), ctx(big.runId)),
        ),
      ),
    );
    expect(json).toMatchObject({ runId: big.runId, status: "scored", evaluator: { id: big.evaluatorId } });
    expect(json.prompts).toHaveLength(300);
    expect(json.prompts.map((p: { promptId: string }) => p.promptId).slice(0, 3)).toEqual(["p0", "p1", "p2"]);
    expect(Object.keys(json)).toEqual(["runId", "status", "evaluator", "labels", "prompts"]);
  });
});
