// Ownership, delete, hide and edit of runs and variants: the owner rule, what a delete removes
// (and keeps), the audit trail, and that hidden runs leave the rankings but stay readable.
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, generations, images, jobs, promptSets, runs, samples, variants } from "../../db/schema";
import { listAudit } from "../audit/list-audit";
import { authorizeMutation } from "../auth/authorize-mutation";
import { createTestActors } from "../../tools/test-support/actors";
import { ClipEvaluator } from "../clip/evaluator";
import { isAppError, type AppError } from "../core/errors";
import { getRankedBoard } from "../leaderboard/get-ranked-board";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { pathFor } from "../storage/content-store";
import { deleteVariant } from "./delete-variant";
import { setVariantHidden } from "../variants/set-variant-hidden";
import { updateVariant } from "../variants/update-variant";
import { createRun } from "./create-run";
import { deleteRun } from "./delete-run";
import { getRunOrThrow } from "./get-run-or-throw";
import { scoreRun } from "./score-run";
import { setRunHidden } from "./set-run-hidden";
import {
  countRows,
  FIXTURE_MODEL,
  makeRunInput,
  removeDataDir,
  storedFiles,
  useTempDataDir,
} from "../../tools/test-support/runs";

let dir: string;
let who: ReturnType<typeof createTestActors>;
beforeEach(() => {
  dir = useTempDataDir();
  who = createTestActors();
});
afterEach(() => removeDataDir(dir));

function thrown(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

const auditActions = () =>
  getDb()
    .select()
    .from(auditLog)
    .all()
    .map((a) => [a.action, a.apiKeyName, a.targetId]);

describe("authorizeMutation", () => {
  it("lets the owner and admins through and names the reason for everyone else", () => {
    const target = { kind: "run", id: "run_x", ownerKeyId: who.alice.id };
    expect(() => authorizeMutation(who.alice, target, "delete")).not.toThrow();
    expect(() => authorizeMutation(who.admin, target, "delete")).not.toThrow();
    const e = thrown(() => authorizeMutation(who.bob, target, "delete"));
    expect(e).toMatchObject({ status: 403, code: "forbidden", details: { reason: "not_owner", role: "submitter" } });
    expect(e.message).toContain('API key "bob" (role submitter) may not delete run run_x');
    // Demo and older rows have no owner: admins only.
    expect(thrown(() => authorizeMutation(who.alice, { ...target, ownerKeyId: null }, "hide")).details).toMatchObject({
      reason: "no_owner",
    });
    expect(() => authorizeMutation(who.admin, { ...target, ownerKeyId: null }, "hide")).not.toThrow();
  });
});

describe("deleteRun", () => {
  it("removes the run's rows, job and unshared image files, keeps images another run uses, and records who did it", async () => {
    const a = await makeRunInput(dir, { seedBase: 1 });
    const { run } = await createRun({ ...a, apiKeyId: who.alice.id });
    // A second run shares one image with the first.
    const b = await makeRunInput(dir, { seedBase: 2, variant: "other" });
    const shared = a.items[0]!;
    fs.writeFileSync(b.items[0]!.stagedPath, shared.png);
    const { run: other } = await createRun({
      ...b,
      items: [{ ...b.items[0]!, sha256: shared.sha256, bytes: shared.bytes }, ...b.items.slice(1)],
      apiKeyId: who.bob.id,
    });
    expect(run.apiKeyId).toBe(who.alice.id);
    const filesBefore = storedFiles(dir).length;

    expect(thrown(() => deleteRun(run.id, who.bob))).toMatchObject({ status: 403 });
    expect(thrown(() => deleteRun("run_nope", who.admin))).toMatchObject({ status: 404 });
    expect(countRows(runs)).toBe(2);

    const r = deleteRun(run.id, who.alice);
    expect(r).toMatchObject({
      id: run.id,
      deleted: true,
      samples: a.items.length,
      imagesDeleted: a.items.length - 1,
      filesDeleted: a.items.length - 1,
    });
    const db = getDb();
    expect(
      db
        .select()
        .from(runs)
        .all()
        .map((x) => x.id),
    ).toEqual([other.id]);
    expect(db.select().from(samples).where(eq(samples.runId, run.id)).all()).toEqual([]);
    expect(db.select().from(jobs).where(eq(jobs.runId, run.id)).all()).toEqual([]);
    expect(storedFiles(dir).length).toBe(filesBefore - (a.items.length - 1));
    expect(fs.existsSync(pathFor(shared.sha256, "png"))).toBe(true);
    expect(db.select().from(images).where(eq(images.sha256, a.items[1]!.sha256)).get()).toBeUndefined();
    // Its upload-derived prompt set went with it; the other run's set stays.
    expect(db.select().from(promptSets).all()).toHaveLength(1);
    expect(thrown(() => getRunOrThrow(run.id)).status).toBe(404);
    expect(auditActions()).toEqual([["run.delete", "alice", run.id]]);
  });
});

describe("deleteVariant", () => {
  it("refuses other submitters (403); its owner deletes it with the runs other keys added, as an admin may", async () => {
    await createRun({ ...(await makeRunInput(dir, { seedBase: 1, variant: "shared" })), apiKeyId: who.alice.id });
    await createRun({
      ...(await makeRunInput(dir, { seedBase: 2, variant: "shared" })),
      guidanceScale: 3,
      apiKeyId: who.bob.id,
    });
    expect(getDb().select().from(variants).get()!.apiKeyId).toBe(who.alice.id);

    expect(thrown(() => deleteVariant("shared", who.bob))).toMatchObject({ status: 403 });
    expect(countRows(runs)).toBe(2);
    expect(thrown(() => deleteVariant("nope", who.admin)).status).toBe(404);

    // Before: 409 runs_of_other_keys, and the owner could not remove what others added.
    expect(deleteVariant("shared", who.alice)).toMatchObject({ name: "shared", runs: 2, deleted: true });
    expect(getDb().select().from(auditLog).all().at(-1)).toMatchObject({
      action: "variant.delete",
      details: { runsOfOtherKeys: 1 },
    });
    expect(countRows(variants)).toBe(0);
    expect(countRows(runs)).toBe(0);
    expect(countRows(images)).toBe(0);
    expect(storedFiles(dir)).toEqual([]);
    expect(countRows(generations)).toBe(0);
  });

  it("lets a submitter delete its own variant when every run is its own", async () => {
    await createRun({ ...(await makeRunInput(dir, { variant: "mine" })), apiKeyId: who.alice.id });
    expect(deleteVariant("mine", who.alice)).toMatchObject({ runs: 1 });
  });
});

describe("updateVariant", () => {
  it("renames and edits description and links, refusing non-http links and taken names", async () => {
    await createRun({ ...(await makeRunInput(dir, { variant: "v1" })), apiKeyId: who.alice.id });
    await createRun({ ...(await makeRunInput(dir, { variant: "v2", seedBase: 5 })), apiKeyId: who.alice.id });
    const v = updateVariant("v1", who.alice, {
      name: "v1-renamed",
      description: "new words",
      links: ["https://arxiv.org/abs/2204.06125"],
    });
    expect(v).toMatchObject({
      name: "v1-renamed",
      description: "new words",
      links: ["https://arxiv.org/abs/2204.06125"],
    });
    expect(thrown(() => updateVariant("v1-renamed", who.alice, { links: ["javascript:alert(1)"] }))).toMatchObject({
      status: 422,
    });
    expect(thrown(() => updateVariant("v1-renamed", who.alice, { name: "v2" }))).toMatchObject({ status: 409 });
    expect(thrown(() => updateVariant("v1-renamed", who.alice, {}))).toMatchObject({ status: 422 });
    expect(thrown(() => updateVariant("v1-renamed", who.bob, { description: "x" }))).toMatchObject({ status: 403 });
    expect(thrown(() => updateVariant("v1", who.alice, { description: "x" }))).toMatchObject({ status: 404 });
    const entry = getDb().select().from(auditLog).get()!;
    expect(entry).toMatchObject({
      action: "variant.update",
      apiKeyName: "alice",
      details: { before: { name: "v1", description: null }, after: { name: "v1-renamed", description: "new words" } },
    });
  });
});

describe("listAudit", () => {
  it("is for admins only and pages newest first", async () => {
    const { run } = await createRun({ ...(await makeRunInput(dir)), apiKeyId: who.alice.id });
    setRunHidden(run.id, who.alice, { hidden: true, reason: "bad seed" });
    setRunHidden(run.id, who.alice, { hidden: false });
    expect(thrown(() => listAudit(who.alice))).toMatchObject({ status: 403, details: { reason: "admin_only" } });
    const first = listAudit(who.admin, { limit: 1 });
    expect(first.entries.map((e) => e.action)).toEqual(["run.unhide"]);
    expect(
      listAudit(who.admin, { limit: 1, before: first.nextBefore! }).entries.map((e) => [e.action, e.details]),
    ).toEqual([["run.hide", { reason: "bad seed" }]]);
  });
});

describe("hiding", () => {
  let ev: ClipEvaluator;
  beforeAll(async () => {
    ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
  });
  afterAll(() => ev.release());

  it("takes hidden runs and hidden variants out of the ranking, keeps them readable with the reason, and puts them back on unhide", async () => {
    const prompts = ["a red square", "a green circle on white", "a blue triangle"];
    createPromptSet({ name: "shapes", prompts: prompts.map((prompt) => ({ prompt })) });
    const mk = async (variant: string, g: number, seedBase: number) =>
      (
        await createRun({
          ...(await makeRunInput(dir, { prompts, seedBase, variant })),
          promptSet: "shapes",
          guidanceScale: g,
          apiKeyId: who.alice.id,
        })
      ).run;
    const r1 = await mk("glide", 3, 1);
    const r2 = await mk("glide", 7, 2);
    const r3 = await mk("unclip", 7, 3);
    for (const r of [r1, r2, r3]) await scoreRun({ runId: r.id, evaluator: ev });
    const boardRuns = () =>
      getRankedBoard("shapes")
        .runs.map((r) => r.runId)
        .sort();
    expect(boardRuns()).toEqual([r1.id, r2.id, r3.id].sort());

    expect(thrown(() => setRunHidden(r2.id, who.alice, { hidden: true, reason: "  " }))).toMatchObject({ status: 422 });
    expect(thrown(() => setRunHidden(r2.id, who.bob, { hidden: true, reason: "x" }))).toMatchObject({ status: 403 });
    expect(setRunHidden(r2.id, who.alice, { hidden: true, reason: "wrong guidance scale" })).toMatchObject({
      hidden: true,
      hiddenReason: "wrong guidance scale",
    });
    expect(boardRuns()).toEqual([r1.id, r3.id].sort());
    expect(getRunOrThrow(r2.id)).toMatchObject({
      status: "scored",
      hidden: { reason: "wrong guidance scale", by: "run" },
    });

    setVariantHidden("unclip", who.admin, { hidden: true, reason: "checkpoint was wrong" });
    expect(boardRuns()).toEqual([r1.id]);
    expect(getRunOrThrow(r3.id).hidden).toMatchObject({ reason: "checkpoint was wrong", by: "variant" });

    setRunHidden(r2.id, who.admin, { hidden: false });
    setVariantHidden("unclip", who.alice, { hidden: false });
    expect(boardRuns()).toEqual([r1.id, r2.id, r3.id].sort());
    expect(getRunOrThrow(r2.id).hidden).toBeNull();
    // Source filter: these are all uploads.
    expect(getRankedBoard("shapes", { source: "generated" }).runs).toEqual([]);
    expect(getRankedBoard("shapes", { source: "uploaded" }).runs).toHaveLength(3);
  });
});
