import { describe, expect, it } from "vitest";
import { createRun } from "../runs/create-run";
import { getRunOrThrow } from "../runs/get-run-or-throw";
import { scoreRun } from "../runs/score-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { getPromptOrThrow, listPromptSamples, listPrompts } from "./list-prompt-samples";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const fixture = fixtureEvaluator();
const data = dataDirPerTest();

describe("listPromptSamples", () => {
  it("gives one prompt's samples per run with CLIP scores and the prompt's diversity there", async () => {
    const a = (await createRun(await makeRunInput(data.dir, { perPrompt: 3, seedBase: 1 }))).run;
    const b = (await createRun({ ...(await makeRunInput(data.dir, { perPrompt: 2, seedBase: 2 })), guidanceScale: 3 }))
      .run;
    await scoreRun({ runId: a.id, evaluator: fixture.ev });
    await scoreRun({ runId: b.id, evaluator: fixture.ev });
    const detail = getRunOrThrow(a.id);
    const setId = detail.promptSet.id;
    const prompts = listPrompts(setId);
    expect(prompts.map((p) => p.text)).toEqual(detail.metrics!.prompts.map((p) => p.prompt));
    const p = getPromptOrThrow(setId, prompts[1]!.promptKey);

    const [ra, rb] = listPromptSamples([a.id, b.id], p.id, fixture.ev.identity.id);
    expect(ra!.runId).toBe(a.id);
    expect(ra!.samples.map((s) => s.fileName)).toEqual(["p1-s0.png", "p1-s1.png", "p1-s2.png"]);
    expect(rb!.samples).toHaveLength(2);
    const table = detail.metrics!.prompts.find((x) => x.promptId === p.promptKey)!;
    expect(ra!.diversity).toBeCloseTo(table.diversity!, 12);
    expect(ra!.clipScore).toBeCloseTo(table.clipScore!, 12);
    for (const s of ra!.samples) expect(s.clipScore).toBeCloseTo(100 * s.cosine!, 12);
    expect(listPromptSamples([a.id], p.id, fixture.ev.identity.id, { perRun: 1 })[0]!.samples).toHaveLength(1);
  });

  it("refuses an unknown prompt with 404", async () => {
    const a = (await createRun(await makeRunInput(data.dir))).run;
    expect(() => getPromptOrThrow(getRunOrThrow(a.id).promptSet.id, "no-such-prompt")).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});
