// One prompt identity everywhere: the CLI's report (scoreBatch over a parsed manifest) and a
// scored run of the same manifest agree on groups and numbers when prompts differ only in case
// and whitespace (identical CLIP tokens).
import { describe, expect, it } from "vitest";
import { claimJob } from "../jobs/claim-job";
import { parseManifest } from "../manifest/parse-manifest";
import { promptIdentity, promptKeyFor } from "../core/prompt-identity";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { scoreBatch } from "../scoring/score-batch";
import { createRun } from "./create-run";
import { getRunOrThrow } from "./get-run-or-throw";
import { scoreRun } from "./score-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const fixture = fixtureEvaluator({ batchSize: 4 });
const data = dataDirPerTest();

describe("prompt identity", () => {
  it("ignores case, repeated and surrounding whitespace and HTML entities, like CLIP's tokenizer", () => {
    expect(promptIdentity("  A  Red\tSquare \n")).toBe("a red square");
    expect(promptIdentity("salt &amp; pepper")).toBe(promptIdentity("Salt & Pepper"));
    expect(promptKeyFor("A red square")).toBe(promptKeyFor("a red  square"));
    expect(promptIdentity("a red square")).not.toBe(promptIdentity("a red squares"));
  });

  it("the CLI and the service give the same groups and numbers for prompts that differ only in case or spacing", async () => {
    const input = await makeRunInput(data.dir, { prompts: ["a red square", "a blue triangle"], perPrompt: 4 });
    const spellings = ["a red square", "A red square", "  a red square", "a RED   square "];
    let k = 0;
    for (const item of input.items) if (item.prompt === "a red square") item.prompt = spellings[k++]!;
    // The manifest the CLI would read.
    const manifest = input.items.map((i) => JSON.stringify({ file: i.fileName, prompt: i.prompt })).join("\n");
    const rows = parseManifest(new TextEncoder().encode(manifest), "m.jsonl");
    const png = new Map(input.items.map((i) => [i.fileName, i.png]));
    const cli = await scoreBatch(
      fixture.ev,
      rows.map((r) => ({ file: r.file, prompt: r.prompt!, group: r.group, image: png.get(r.file)! })),
    );
    expect(cli.groups.map((g) => [g.group, g.n])).toEqual([
      ["a red square", 4],
      ["a blue triangle", 4],
    ]);
    expect(cli.summary.diversity).not.toBeNull();

    const { run } = await createRun(input);
    const job = claimJob("w")!;
    await scoreRun({ runId: run.id, evaluator: fixture.ev, lease: { jobId: job.id, workerId: "w", leaseMs: 60_000 } });
    const m = getRunOrThrow(run.id).metrics!;
    expect(m.run.groups).toBe(2);
    expect(m.prompts.map((p) => [p.prompt, p.n]).sort()).toEqual([
      ["a blue triangle", 4],
      ["a red square", 4],
    ]);
    for (const key of ["clipScore", "clipS", "diversity", "vendi"] as const) {
      expect(m.run[key], key).toBeCloseTo(cli.summary[key]!, 6);
      expect(m.run.ci[key]!.low, key).toBeCloseTo(cli.summary.ci[key]!.low, 6);
    }
  });

  it("a prompt set refuses two prompts with one identity, and an upload matches set prompts by identity", async () => {
    expect(() => createPromptSet({ name: "dup", prompts: [{ prompt: "a cat" }, { prompt: "A  cat" }] })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    createPromptSet({ name: "shapes", prompts: [{ prompt: "a red square" }, { prompt: "a blue triangle" }] });
    const input = await makeRunInput(data.dir, { prompts: ["A Red Square", "a blue  triangle"], perPrompt: 2 });
    const { run } = await createRun({ ...input, promptSet: "shapes" });
    expect(run.promptSetId).toBeTruthy();
  });
});
