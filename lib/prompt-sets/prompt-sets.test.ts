import { describe, expect, it } from "vitest";
import { createRun } from "../runs/create-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { createPromptSet } from "./create-prompt-set";
import { getPromptSetOrThrow } from "./get-prompt-set-or-throw";
import { listPromptSets } from "./list-prompt-sets";
import { promptKeyFor } from "../core/prompt-identity";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

const file = (text: string, fileName: string) => ({ bytes: new TextEncoder().encode(text), fileName });

describe("prompt sets", () => {
  it("are created from JSONL and CSV files, keeping ids and order; missing ids become text hashes", () => {
    const jsonl = createPromptSet({
      name: "parti-mini",
      description: "three prompts",
      file: file(
        '{"id":"p001","prompt":"a red square","category":"shapes"}\n\n{"prompt":"a corgi","category":"animals"}\n{"id":7,"prompt":"a vase"}\n',
        "set.jsonl",
      ),
    });
    expect(jsonl).toMatchObject({
      created: true,
      promptSet: { name: "parti-mini", version: 1, isImplicit: false, promptCount: 3 },
    });
    const got = getPromptSetOrThrow("parti-mini");
    expect(got.prompts.map((p) => [p.promptKey, p.text, p.category])).toEqual([
      ["p001", "a red square", "shapes"],
      [promptKeyFor("a corgi"), "a corgi", "animals"],
      ["7", "a vase", null],
    ]);
    expect(getPromptSetOrThrow(got.id).name).toBe("parti-mini");

    const csv = createPromptSet({
      name: "csv-set",
      file: file('id,prompt,category\nx1,"a cat, sleeping",animals\nx2,a dog,\n', "set.csv"),
    });
    expect(getPromptSetOrThrow("csv-set").prompts.map((p) => [p.promptKey, p.text, p.category])).toEqual([
      ["x1", "a cat, sleeping", "animals"],
      ["x2", "a dog", null],
    ]);
    expect(csv.promptSet.promptCount).toBe(2);
  });

  it("return the latest version for identical content and create the next version for changed content", () => {
    const v1 = createPromptSet({ name: "s", prompts: [{ prompt: "a" }, { prompt: "b" }] });
    expect(createPromptSet({ name: "s", prompts: [{ prompt: "a" }, { prompt: "b" }] })).toEqual({
      ...v1,
      created: false,
    });
    const v2 = createPromptSet({ name: "s", prompts: [{ prompt: "a" }, { prompt: "c" }] });
    expect(v2).toMatchObject({ created: true, promptSet: { version: 2 } });
    expect(getPromptSetOrThrow("s").version).toBe(2);
    expect(getPromptSetOrThrow("s", 1).prompts.map((p) => p.text)).toEqual(["a", "b"]);
    expect(() => createPromptSet({ name: "s", version: 2, prompts: [{ prompt: "z" }] })).toThrow(
      expect.objectContaining({ status: 409 }),
    );
  });

  it("refuse duplicate prompts, bad rows with their line, reserved names and unknown sets", () => {
    expect(() => createPromptSet({ name: "d", prompts: [{ prompt: "a" }, { prompt: "a" }] })).toThrow(
      expect.objectContaining({ status: 422, details: { duplicatePrompts: ["a"] } }),
    );
    expect(() =>
      createPromptSet({
        name: "d",
        prompts: [
          { id: "1", prompt: "a" },
          { id: "1", prompt: "b" },
        ],
      }),
    ).toThrow(expect.objectContaining({ status: 422, details: { duplicateIds: ["1"] } }));
    expect(() =>
      createPromptSet({ name: "d", file: file('{"prompt":"ok"}\n{"text":"wrong key"}\n', "x.jsonl") }),
    ).toThrow(/line 2/);
    expect(() => createPromptSet({ name: "upload-abc", prompts: [{ prompt: "a" }] })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    expect(() => createPromptSet({ name: "has space", prompts: [{ prompt: "a" }] })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
    expect(() => getPromptSetOrThrow("missing")).toThrow(expect.objectContaining({ status: 404 }));
  });

  it("derive one implicit set per distinct prompt list from uploads, listed only on request", async () => {
    const a = await createRun(await makeRunInput(data.dir, { prompts: ["x", "y"], perPrompt: 1 }));
    const b = await createRun({
      ...(await makeRunInput(data.dir, { prompts: ["y", "x"], perPrompt: 2, seedBase: 1 })),
      guidanceScale: 2,
    });
    const c = await createRun(await makeRunInput(data.dir, { prompts: ["x", "z"], perPrompt: 1, seedBase: 2 }));
    expect(b.run.promptSetId).toBe(a.run.promptSetId);
    expect(c.run.promptSetId).not.toBe(a.run.promptSetId);
    createPromptSet({ name: "named", prompts: [{ prompt: "x" }] });
    expect(listPromptSets().map((s) => s.name)).toEqual(["named"]);
    const all = listPromptSets({ includeImplicit: true });
    expect(all).toHaveLength(3);
    expect(all.find((s) => s.id === a.run.promptSetId)).toMatchObject({
      isImplicit: true,
      promptCount: 2,
      runCount: 2,
    });
  });
});
