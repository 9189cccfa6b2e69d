// Ownership where it was missing: prompt sets (new versions by their owner or an admin, assigned
// version numbers), variants (other keys' runs and generations only once the owner opens it; the
// owner removes runs on it), demo rows (accept nothing), and the audit log (creations, new versions,
// uploads under another key's name; no row for a no-op re-score).
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, promptSets, runScores, runs, variants } from "../../db/schema";
import { createTestActors } from "../../tools/test-support/actors";
import { isAppError, type AppError } from "../core/errors";
import { createGeneration } from "../generation/create-generation";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { recordEvaluator } from "../embeddings/record-evaluator";
import { updateVariant } from "../variants/update-variant";
import { registerVariant } from "../variants/create-variant";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createRun } from "./create-run";
import { deleteRun } from "./delete-run";
import { rescoreRunFor } from "./rescore-run";
import { setRunHidden } from "./set-run-hidden";

let dir: string;
let who: ReturnType<typeof createTestActors>;
beforeEach(() => {
  dir = useTempDataDir();
  who = createTestActors();
});
afterEach(() => removeDataDir(dir));

async function refusal(f: () => unknown): Promise<AppError> {
  try {
    await f();
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

const audit = () =>
  getDb()
    .select()
    .from(auditLog)
    .all()
    .map((a) => ({ action: a.action, by: a.apiKeyName, details: a.details }));

const prompts = (...texts: string[]) => texts.map((prompt) => ({ prompt }));

describe("prompt sets have an owner", () => {
  it("a new version needs its owner or an admin; numbers are assigned unless an admin imports", async () => {
    expect(createPromptSet({ name: "mine", prompts: prompts("a", "b") }, who.alice)).toMatchObject({
      created: true,
      promptSet: { version: 1, apiKeyId: who.alice.id },
    });
    // Another submitter cannot add a version (before: v2 by bob, shown by ?promptSet=mine).
    const bob = await refusal(() => createPromptSet({ name: "mine", prompts: prompts("x", "y") }, who.bob));
    expect(bob).toMatchObject({ status: 403, details: { reason: "not_owner" } });
    // …nor pick a version number (before: v999 made alice's next upload by name a 422).
    const v999 = await refusal(() => createPromptSet({ name: "mine", version: 999, prompts: prompts("x") }, who.bob));
    expect(v999).toMatchObject({ status: 403, details: { reason: "admin_only" } });
    const own999 = await refusal(() =>
      createPromptSet({ name: "mine", version: 999, prompts: prompts("x") }, who.alice),
    );
    expect(own999).toMatchObject({ status: 403, details: { reason: "admin_only" } });
    // The same prompts again are the existing version, for anyone.
    expect(createPromptSet({ name: "mine", prompts: prompts("a", "b") }, who.bob)).toMatchObject({
      created: false,
      promptSet: { version: 1 },
    });
    expect(createPromptSet({ name: "mine", prompts: prompts("a", "b", "c") }, who.alice).promptSet.version).toBe(2);
    expect(createPromptSet({ name: "mine", prompts: prompts("d") }, who.admin).promptSet.version).toBe(3);
    expect(createPromptSet({ name: "mine", version: 7, prompts: prompts("e") }, who.admin).promptSet.version).toBe(7);
    expect(
      getDb()
        .select({ v: promptSets.version })
        .from(promptSets)
        .all()
        .map((r) => r.v),
    ).toEqual([1, 2, 3, 7]);
    expect(audit().map((a) => [a.action, a.by])).toEqual([
      ["prompt_set.create", "alice"],
      ["prompt_set.version", "alice"],
      ["prompt_set.version", "test-admin"],
      ["prompt_set.version", "test-admin"],
    ]);
    expect(audit()[2]!.details).toMatchObject({ underAnotherKey: true, ownerKeyId: who.alice.id, version: 3 });
  });

  it("a demo prompt set accepts no new version, not even from an admin", async () => {
    createPromptSet({ name: "toy-demo", prompts: prompts("a"), isDemo: true });
    const e = await refusal(() => createPromptSet({ name: "toy-demo", prompts: prompts("b") }, who.admin));
    expect(e).toMatchObject({ status: 403, details: { reason: "demo" } });
  });
});

describe("variants belong to their creator", () => {
  it("another key's run is refused until the owner opens the variant; the owner removes runs on it", async () => {
    const a = await createRun({ ...(await makeRunInput(dir, { variant: "alices", seedBase: 1 })) }, who.alice);
    expect(getDb().select().from(variants).get()).toMatchObject({ apiKeyId: who.alice.id, contributors: "owner" });
    // Before: bob's run was accepted and alice could neither remove it nor delete her variant.
    const closed = await refusal(async () =>
      createRun({ ...(await makeRunInput(dir, { variant: "alices", seedBase: 2 })), guidanceScale: 3 }, who.bob),
    );
    expect(closed).toMatchObject({ status: 403, details: { reason: "not_owner", ownerKeyId: who.alice.id } });
    expect(closed.message).toMatch(/"contributors":"anyone"/);
    // Admins may add; others may not open it.
    await createRun({ ...(await makeRunInput(dir, { variant: "alices", seedBase: 3 })), guidanceScale: 4 }, who.admin);
    expect((await refusal(() => updateVariant("alices", who.bob, { contributors: "anyone" }))).status).toBe(403);

    updateVariant("alices", who.alice, { contributors: "anyone" });
    const b = await createRun(
      { ...(await makeRunInput(dir, { variant: "alices", seedBase: 2 })), guidanceScale: 3 },
      who.bob,
    );
    expect(b.run.apiKeyId).toBe(who.bob.id);
    const created = audit().filter((x) => x.action === "run.create");
    expect(created.map((x) => x.by)).toEqual(["alice", "test-admin", "bob"]);
    expect(created[2]!.details).toMatchObject({ underAnotherKey: true, variantOwnerKeyId: who.alice.id });
    expect(created[0]!.details).not.toHaveProperty("underAnotherKey");

    // The variant's owner hides and deletes bob's run; bob cannot touch alice's.
    expect((await refusal(() => deleteRun(a.run.id, who.bob))).status).toBe(403);
    setRunHidden(b.run.id, who.alice, { hidden: true, reason: "not my checkpoint" });
    expect(deleteRun(b.run.id, who.alice)).toMatchObject({ deleted: true });
    expect(getDb().select().from(runs).where(eq(runs.id, b.run.id)).get()).toBeUndefined();
  });

  it("generation requests on another key's variant are refused unless it is open", async () => {
    registerVariant({ name: "gen-owned", conditioningType: "text_sequence" }, who.alice);
    createPromptSet({ name: "gen-prompts", prompts: prompts("a red square") });
    const request = { variant: "gen-owned", promptSet: "gen-prompts", guidanceScales: [2], samplesPerPrompt: 1 };
    expect(await refusal(() => createGeneration(request, { actor: who.bob }))).toMatchObject({
      status: 403,
      details: { reason: "not_owner" },
    });
    expect(createGeneration(request, { actor: who.alice }).runs).toHaveLength(1);
    updateVariant("gen-owned", who.alice, { contributors: "anyone" });
    expect(createGeneration({ ...request, guidanceScales: [4] }, { actor: who.bob }).generation.apiKeyId).toBe(
      who.bob.id,
    );
    expect(audit().map((x) => x.action)).toEqual([
      "variant.create",
      "generation.create",
      "variant.update",
      "generation.create",
    ]);
  });

  it("demo variants accept no runs or generations from anyone, admins included", async () => {
    await createRun({ ...(await makeRunInput(dir, { variant: "toy-demo-variant" })), isDemo: true });
    const e = await refusal(async () =>
      createRun({ ...(await makeRunInput(dir, { variant: "toy-demo-variant", seedBase: 9 })) }, who.admin),
    );
    expect(e).toMatchObject({ status: 403, details: { reason: "demo" } });
    createPromptSet({ name: "demo-prompts", prompts: prompts("a red square") });
    const g = await refusal(() =>
      createGeneration(
        { variant: "toy-demo-variant", promptSet: "demo-prompts", guidanceScales: [2], samplesPerPrompt: 1 },
        { actor: who.admin },
      ),
    );
    expect(g).toMatchObject({ status: 403, details: { reason: "demo" } });
  });
});

describe("the audit log", () => {
  it("records no row for a re-score that changes nothing", async () => {
    const { run } = await createRun({ ...(await makeRunInput(dir, { variant: "v" })) }, who.alice);
    const ev = { id: "ev-1", name: "clip", variant: "fp32", isFixture: false, files: {} };
    getDb().transaction((tx) => recordEvaluator(tx, ev as never));
    getDb().update(runs).set({ status: "scored" }).where(eq(runs.id, run.id)).run();
    getDb()
      .insert(runScores)
      .values({
        runId: run.id,
        evaluatorId: "ev-1",
        n: 9,
        failed: 0,
        groups: 3,
        diversityGroups: 3,
        ci: {},
        metricVersions: {},
      } as never)
      .run();
    const before = audit().length;
    expect(rescoreRunFor(run.id, who.alice, "ev-1")).toMatchObject({ queued: false });
    expect(audit()).toHaveLength(before);
  });
});
