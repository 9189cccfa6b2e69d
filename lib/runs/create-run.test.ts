import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { images, jobs, prompts, promptSets, runs, samples, variants } from "../../db/schema";
import { isAppError, type AppError } from "../core/errors";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { pathFor } from "../storage/content-store";
import { createVariant } from "../variants/create-variant";
import { createRun } from "./create-run";
import { countRows, makeRunInput, storedFiles } from "../../tools/test-support/runs";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

const count = countRows;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe("createRun", () => {
  it("writes the variant, implicit prompt set, images, run, samples and job, and moves each file into the store once", async () => {
    const input = await makeRunInput(data.dir, { perPrompt: 2 });
    // The same picture twice in one upload is stored once.
    input.items.push({
      ...input.items[0]!,
      fileName: "copy.png",
      stagedPath: `${input.items[0]!.stagedPath}.copy`,
      seed: 99,
    });
    fs.copyFileSync(input.items[0]!.stagedPath, input.items[6]!.stagedPath);

    const { run, duplicate } = await createRun(input);
    expect(duplicate).toBe(false);
    expect(run.id).toMatch(/^run_[0-9a-z]{16}$/);
    expect(run).toMatchObject({
      status: "queued",
      progressDone: 0,
      progressTotal: 7,
      guidanceScale: 7.5,
      sampler: "ddim",
      steps: 50,
      source: "uploaded",
    });

    expect(count(variants)).toBe(1);
    const set = getDb().select().from(promptSets).get()!;
    expect(set).toMatchObject({ isImplicit: true, version: 1 });
    expect(set.name).toMatch(/^upload-unclip-base-[0-9a-f]{12}$/);
    expect(count(prompts)).toBe(3);
    expect(count(images)).toBe(6);
    expect(count(samples)).toBe(7);
    expect(getDb().select().from(jobs).all()).toMatchObject([
      { kind: "score_run", runId: run.id, status: "queued", attempts: 0, maxAttempts: 3 },
    ]);

    expect(storedFiles(data.dir)).toHaveLength(6);
    for (const item of input.items) {
      expect(fs.readFileSync(pathFor(item.sha256, "png"))).toEqual(item.png);
      expect(pathFor(item.sha256, "png")).toContain(
        `/images/${item.sha256.slice(0, 2)}/${item.sha256.slice(2, 4)}/${item.sha256}.png`,
      );
    }
    // Moved, not copied; the second copy of the same content stays for the staging owner to remove.
    expect(fs.existsSync(input.items[0]!.stagedPath)).toBe(false);
    expect(fs.existsSync(input.items[6]!.stagedPath)).toBe(true);

    const rows = getDb().select().from(samples).orderBy(samples.id).all();
    expect(rows.map((r) => r.fileName)).toEqual(input.items.map((i) => i.fileName));
    expect(rows.map((r) => r.sampleIndex)).toEqual([0, 0, 0, 1, 1, 1, 2]);
  });

  it("returns the existing run for a re-upload of the same images and settings, moving nothing", async () => {
    const first = await createRun(await makeRunInput(data.dir, { folder: "a" }));
    const again = await makeRunInput(data.dir, { folder: "b" });
    again.items.reverse(); // order and file names do not matter
    again.items.forEach((i, k) => (i.fileName = `renamed-${k}.png`));
    const second = await createRun(again);
    expect(second.duplicate).toBe(true);
    expect(second.run.id).toBe(first.run.id);
    expect(count(runs)).toBe(1);
    expect(count(samples)).toBe(9);
    for (const i of again.items) expect(fs.existsSync(i.stagedPath)).toBe(true);

    // A different setting is a different run, sharing the stored files and the implicit set.
    const third = await createRun({ ...(await makeRunInput(data.dir, { folder: "c" })), guidanceScale: 3 });
    expect(third.duplicate).toBe(false);
    expect(count(runs)).toBe(2);
    expect(count(promptSets)).toBe(1);
    expect(storedFiles(data.dir)).toHaveLength(9);
  });

  it("takes the same images and prompts re-uploaded without the optional sampler and steps for the same run, and says why", async () => {
    const first = await createRun(await makeRunInput(data.dir, { folder: "a" }));
    const bare = await makeRunInput(data.dir, { folder: "b" });
    delete bare.sampler;
    delete bare.steps;
    bare.items.forEach((i) => delete i.seed);
    const second = await createRun(bare);
    expect(second.duplicate).toBe(true);
    expect(second.run.id).toBe(first.run.id);
    expect(second.duplicateNote).toBe(
      `run ${first.run.id} has the same images and prompts (variant unclip-base, guidance 7.5); its optional settings differ ` +
        "(sampler ddim there, not given here; steps 50 there, not given here): it is the same run, kept with the settings it was first uploaded with",
    );
    expect(count(runs)).toBe(1);

    // Other images, or another variant or guidance, stay other runs.
    const fewer = await makeRunInput(data.dir, { folder: "c" });
    fewer.items.pop();
    delete fewer.sampler;
    expect((await createRun(fewer)).duplicate).toBe(false);
    const otherGuidance = { ...(await makeRunInput(data.dir, { folder: "d" })), guidanceScale: 3, sampler: "euler" };
    expect((await createRun(otherGuidance)).duplicate).toBe(false);
    expect(count(runs)).toBe(3);
  });

  it("gives two simultaneous uploads of the same run one run, with every file intact", async () => {
    const a = await makeRunInput(data.dir, { folder: "a" });
    const b = await makeRunInput(data.dir, { folder: "b" });
    const results = await Promise.all([createRun(a), createRun(b)]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(results[0]!.run.id).toBe(results[1]!.run.id);
    expect(count(runs)).toBe(1);
    expect(count(samples)).toBe(9);
    for (const i of a.items) expect(fs.readFileSync(pathFor(i.sha256, "png"))).toEqual(i.png);
  });

  it("refuses prompts that are not in the named prompt set with 422 listing them, leaving no rows or files", async () => {
    createPromptSet({
      name: "shapes",
      prompts: [
        { id: "p1", prompt: "a red square" },
        { id: "p2", prompt: "a blue triangle" },
      ],
    });
    const input = await makeRunInput(data.dir, {
      prompts: ["a red square", "a green circle on white", "a blue triangle"],
      perPrompt: 1,
    });
    input.items[2] = { ...input.items[2]!, prompt: undefined, promptId: "p9" };
    const e = await rejection(createRun({ ...input, promptSet: "shapes" }));
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    expect((e.details as { unknownPrompts: string[] }).unknownPrompts.sort()).toEqual([
      "a green circle on white",
      "p9",
    ]);
    expect(count(runs)).toBe(0);
    expect(storedFiles(data.dir)).toEqual([]);
  });

  it("resolves items by prompt text or promptId in a named set", async () => {
    createPromptSet({
      name: "shapes",
      prompts: [
        { id: "p1", prompt: "a red square" },
        { id: "p2", prompt: "a blue triangle" },
      ],
    });
    const input = await makeRunInput(data.dir, { prompts: ["a red square", "a blue triangle"], perPrompt: 2 });
    input.items[1] = { ...input.items[1]!, prompt: undefined, promptId: "p2" };
    const { run } = await createRun({ ...input, promptSet: "shapes" });
    const set = getDb().select().from(promptSets).get()!;
    expect(run.promptSetId).toBe(set.id);
    expect(count(promptSets)).toBe(1);
  });

  it("refuses an unknown variant with 422 naming it", async () => {
    const input = await makeRunInput(data.dir);
    const e = await rejection(createRun({ ...input, createVariantIfMissing: undefined, variant: "nope" }));
    expect(e.status).toBe(422);
    expect(e.message).toContain('"nope"');
    expect(e.message).toContain("send conditioningType (text_sequence, clip_image_embedding");
    expect(e.message).not.toContain("createVariantIfMissing");
    expect(e.details).toEqual({ variant: "nope" });
    createVariant({ name: "nope", conditioningType: "text_sequence" });
    await expect(createRun({ ...input, createVariantIfMissing: undefined, variant: "nope" })).resolves.toMatchObject({
      duplicate: false,
    });
  });

  it("refuses bad input with 422 before touching anything", async () => {
    const input = await makeRunInput(data.dir, { perPrompt: 1 });
    await expect(createRun({ ...input, items: [] })).rejects.toMatchObject({ status: 422 });
    await expect(createRun({ ...input, items: [{ ...input.items[0]!, sha256: "xyz" }] })).rejects.toMatchObject({
      status: 422,
    });
    await expect(createRun({ ...input, items: [input.items[0]!, input.items[0]!] })).rejects.toMatchObject({
      status: 422,
      details: { duplicateFiles: [input.items[0]!.fileName] },
    });
    // A staged file whose bytes do not match its announced hash.
    const e = await rejection(
      createRun({ ...input, items: [input.items[0]!, { ...input.items[1]!, sha256: input.items[2]!.sha256 }] }),
    );
    expect(e.status).toBe(422);
    expect(count(runs)).toBe(0);
    expect(storedFiles(data.dir)).toEqual([]);
  });

  it("leaves no rows and no new files when the transaction fails, and keeps files other runs use", async () => {
    const first = await makeRunInput(data.dir, { perPrompt: 1, folder: "a" });
    await createRun(first);
    const before = storedFiles(data.dir);
    expect(before).toHaveLength(3);

    const second = await makeRunInput(data.dir, { perPrompt: 2, folder: "b" }); // 3 files already stored + 3 new
    getDb().$client.exec(
      "create trigger fail_samples before insert on samples begin select raise(abort, 'disk on fire'); end;",
    );
    await expect(createRun({ ...second, guidanceScale: 2 })).rejects.toThrow(/disk on fire/);
    getDb().$client.exec("drop trigger fail_samples");

    expect(count(runs)).toBe(1);
    expect(count(samples)).toBe(3);
    expect(count(images)).toBe(3);
    expect(count(jobs)).toBe(1);
    expect(storedFiles(data.dir)).toEqual(before);
  });
});
