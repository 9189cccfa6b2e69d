import { describe, expect, it } from "vitest";
import { createRun } from "./create-run";
import { getRunOrThrow } from "./get-run-or-throw";
import { listSampleScores } from "./list-sample-scores";
import { scoreRun } from "./score-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const fixture = fixtureEvaluator();
const data = dataDirPerTest();

describe("listSampleScores", () => {
  it("pages through a scored run's samples in upload order with cosine, CLIP score and truncation", async () => {
    const long = `a red square ${"on a very long and winding road ".repeat(20)}`.trim();
    const { run } = await createRun(await makeRunInput(data.dir, { prompts: ["a red square", long], perPrompt: 3 }));
    await scoreRun({ runId: run.id, evaluator: fixture.ev });

    const first = listSampleScores(run.id, { limit: 4 });
    expect(first).toMatchObject({ runId: run.id, evaluatorId: fixture.ev.identity.id, total: 6, limit: 4, offset: 0 });
    expect(first.samples.map((s) => s.file)).toEqual(["p0-s0.png", "p1-s0.png", "p0-s1.png", "p1-s1.png"]);
    expect(first.next).toBe(`/api/v1/runs/${run.id}/samples?limit=4&offset=4`);
    const second = listSampleScores(run.id, { limit: 4, offset: 4 });
    expect(second.samples.map((s) => s.file)).toEqual(["p0-s2.png", "p1-s2.png"]);
    expect(second.next).toBeNull();

    const all = listSampleScores(run.id, { all: true }).samples;
    expect(all).toHaveLength(6);
    for (const s of all) {
      expect(s.cosine).not.toBeNull();
      expect(s.clipScore).toBeCloseTo(100 * s.cosine!, 10);
      expect(s.truncated).toBe(s.prompt === long);
      expect(s.error).toBeNull();
    }
    // The per-prompt table's CLIP score is the clamped mean of these per-sample values.
    const perPrompt = getRunOrThrow(run.id).metrics!.prompts.find((p) => p.prompt === "a red square")!;
    const mine = all.filter((s) => s.prompt === "a red square").map((s) => s.clipScore!);
    expect(perPrompt.clipScore).toBeCloseTo(Math.max(0, mine.reduce((a, b) => a + b, 0) / mine.length), 6);
    expect(all.filter((s) => s.prompt === long).every((s) => s.truncated)).toBe(true);
  });

  it("refuses an unknown run with 404 and bad paging with 422", async () => {
    expect(() => listSampleScores("run_nope")).toThrow(expect.objectContaining({ status: 404 }));
    const { run } = await createRun(await makeRunInput(data.dir, { perPrompt: 2 }));
    expect(() => listSampleScores(run.id, { limit: 0 })).toThrow(expect.objectContaining({ status: 422 }));
    expect(listSampleScores(run.id).samples.every((s) => s.cosine === null)).toBe(true);
  });
});
