// Feature reach: upload-derived prompt sets get readable labels in pickers, an uploader can name
// the set made from an upload, and a prompt set is renamed (every version) by its owner or an admin.
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { auditLog, promptSets } from "../../db/schema";
import { createApiKey } from "../auth/api-keys";
import { getRankedBoard } from "../leaderboard/get-ranked-board";
import { createRun } from "../runs/create-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { dataDirPerTest } from "../../tools/test-support/setup";
import { createPromptSet } from "./create-prompt-set";
import { getPromptSetOrThrow } from "./get-prompt-set-or-throw";
import { listPromptSets, pickablePromptSets, promptSetLabel } from "./list-prompt-sets";
import { renamePromptSet } from "./rename-prompt-set";

const data = dataDirPerTest();

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return "none";
};

describe("readable labels for upload-derived sets", () => {
  it("labels a set still named upload-… by its first variant and prompt, and offers it to pickers once it has runs", async () => {
    const owner = createApiKey("owner", "submitter");
    const { run } = await createRun({ ...(await makeRunInput(data.dir, { variant: "glide" })), apiKeyId: owner.id });
    const implicit = listPromptSets({ includeImplicit: true }).find((s) => s.id === run.promptSetId)!;
    expect(implicit.name).toMatch(/^upload-glide-[0-9a-f]{12}$/);
    expect(implicit.label).toBe("glide: “a blue triangle” + 2 more (uploaded prompts)");
    createPromptSet({ name: "named", prompts: [{ prompt: "a cat" }] });
    expect(pickablePromptSets().map((s) => s.label)).toEqual(["named", implicit.label]);
    expect(
      promptSetLabel({ name: "mine", isImplicit: true, promptCount: 3, firstPrompt: "x", firstVariant: "v" }),
    ).toBe("mine");
  });
});

describe("naming the set made from an upload", () => {
  it("uses newPromptSetName for a new set, and the next upload of those prompts joins it", async () => {
    const first = await createRun({ ...(await makeRunInput(data.dir, { folder: "a" })), newPromptSetName: "shapes-3" });
    expect(getPromptSetOrThrow("shapes-3")).toMatchObject({ id: first.run.promptSetId, isImplicit: true });
    const second = await createRun({
      ...(await makeRunInput(data.dir, { folder: "b", seedBase: 5 })),
      guidanceScale: 2,
    });
    expect(second.run.promptSetId).toBe(first.run.promptSetId);
  });

  it("refuses a name taken by a set of other prompts (409), a reserved name (422), and a name beside promptSet (422)", async () => {
    createPromptSet({ name: "taken", prompts: [{ prompt: "a cat" }] });
    await expect(createRun({ ...(await makeRunInput(data.dir)), newPromptSetName: "taken" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      createRun({ ...(await makeRunInput(data.dir)), newPromptSetName: "upload-mine" }),
    ).rejects.toMatchObject({ code: "validation_failed" });
    await expect(
      createRun({ ...(await makeRunInput(data.dir)), promptSet: "taken", newPromptSetName: "x" }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});

describe("renamePromptSet", () => {
  it("renames every version for its owner or an admin, refuses others, taken and reserved names, and keeps the runs", async () => {
    const owner = createApiKey("owner", "submitter");
    const stranger = createApiKey("stranger", "submitter");
    const admin = createApiKey("admin", "admin");
    const { run } = await createRun({ ...(await makeRunInput(data.dir, { variant: "glide" })), apiKeyId: owner.id });
    const implicitName = getPromptSetOrThrow(run.promptSetId).name;
    createPromptSet({ name: "taken", prompts: [{ prompt: "a cat" }], apiKeyId: owner.id });
    createPromptSet({ name: "two", prompts: [{ prompt: "a" }], apiKeyId: owner.id });
    createPromptSet({ name: "two", prompts: [{ prompt: "b" }], apiKeyId: owner.id });

    expect(code(() => renamePromptSet(implicitName, stranger, { name: "mine" }))).toBe("forbidden");
    expect(code(() => renamePromptSet(implicitName, owner, { name: "taken" }))).toBe("conflict");
    expect(code(() => renamePromptSet(implicitName, owner, { name: "upload-x" }))).toBe("validation_failed");
    expect(renamePromptSet(implicitName, owner, { name: "shapes" })).toEqual({
      id: run.promptSetId,
      name: "shapes",
      previousName: implicitName,
      versions: 1,
    });
    expect(getPromptSetOrThrow("shapes").id).toBe(run.promptSetId);
    expect(getRankedBoard("shapes").promptSet.id).toBe(run.promptSetId);
    expect(listPromptSets({ includeImplicit: true }).find((s) => s.id === run.promptSetId)!.label).toBe("shapes");

    expect(renamePromptSet("two", admin, { name: "pair" }).versions).toBe(2);
    expect(
      getDb()
        .select({ v: promptSets.version })
        .from(promptSets)
        .where(eq(promptSets.name, "pair"))
        .all()
        .map((r) => r.v)
        .sort(),
    ).toEqual([1, 2]);
    expect(getDb().select().from(auditLog).where(eq(auditLog.action, "prompt_set.rename")).all()).toHaveLength(2);
  });
});
