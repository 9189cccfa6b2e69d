// Reference sets record the key that uploaded them; a new version of a name and a delete need that
// key or an admin key (lib/auth/authorize-mutation.ts), and a delete removes only what nothing
// else uses.
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, images, referenceImages, referenceSets } from "../../db/schema";
import { createTestActors } from "../../tools/test-support/actors";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { deleteRun } from "../runs/delete-run";
import {
  countRows,
  makeRunInput,
  removeDataDir,
  stageImage,
  storedFiles,
  useTempDataDir,
} from "../../tools/test-support/runs";
import { createReferenceSet, type CreateReferenceSetInput } from "./create-reference-set";
import { deleteReferenceSet } from "./delete-reference-set";

let dir: string;
let actors: ReturnType<typeof createTestActors>;
beforeEach(() => {
  dir = useTempDataDir();
  actors = createTestActors();
});
afterEach(() => removeDataDir(dir));

/** A global set of `n` images; images with the same `seeds` are byte-identical across calls. */
async function globalSet(name: string, seeds: number[]): Promise<CreateReferenceSetInput> {
  const folder = `ref-${Math.random().toString(36).slice(2, 8)}`;
  const items = [];
  for (const seed of seeds)
    items.push({ ...(await stageImage(dir, folder, `r${seed}.png`, { seed })), fileName: `r${seed}.png` });
  return { name, items };
}

const ownerOf = (id: string) =>
  getDb().select({ apiKeyId: referenceSets.apiKeyId }).from(referenceSets).where(eq(referenceSets.id, id)).get()!
    .apiKeyId;

describe("reference set ownership", () => {
  it("records the uploading key, and null for sets made on the server", async () => {
    const a = await createReferenceSet(await globalSet("coco", [1, 2]), actors.alice);
    expect(ownerOf(a.referenceSet.id)).toBe(actors.alice.id);
    const server = await createReferenceSet(await globalSet("toy", [3, 4]));
    expect(ownerOf(server.referenceSet.id)).toBeNull();
  });

  it("lets only the latest version's owner or an admin add a version, storing nothing when refused", async () => {
    await createReferenceSet(await globalSet("coco", [1, 2]), actors.alice);
    const before = {
      sets: countRows(referenceSets),
      refImages: countRows(referenceImages),
      images: countRows(images),
      files: storedFiles(dir),
    };
    await expect(createReferenceSet(await globalSet("coco", [5, 6]), actors.bob)).rejects.toMatchObject({
      status: 403,
      code: "forbidden",
      details: { reason: "not_owner", role: "submitter", ownerKeyId: actors.alice.id },
    });
    expect({
      sets: countRows(referenceSets),
      refImages: countRows(referenceImages),
      images: countRows(images),
      files: storedFiles(dir),
    }).toEqual(before);

    expect((await createReferenceSet(await globalSet("coco", [5, 6]), actors.alice)).referenceSet.version).toBe(2);
    const byAdmin = await createReferenceSet(await globalSet("coco", [7, 8]), actors.admin);
    expect(byAdmin.referenceSet.version).toBe(3);
    // Now the admin's version is the latest: alice may no longer add one.
    await expect(createReferenceSet(await globalSet("coco", [9, 10]), actors.alice)).rejects.toMatchObject({
      status: 403,
      details: { reason: "not_owner" },
    });
    // A set made on the server has no owner: only admins.
    await createReferenceSet(await globalSet("toy", [3, 4]));
    const e = await createReferenceSet(await globalSet("toy", [11, 12]), actors.alice).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 403, details: { reason: "no_owner" } });
    expect((e as Error).message).toMatch(
      /API key "alice" \(role submitter\) may not add a new version to reference set ref_/,
    );
  });

  it("deletes a version for its owner or an admin only, with an audit row, keeping images another version holds", async () => {
    const v1 = await createReferenceSet(await globalSet("coco", [1, 2, 3]), actors.alice);
    const v2 = await createReferenceSet(await globalSet("coco", [3, 4]), actors.alice);
    expect(storedFiles(dir)).toHaveLength(4);

    expect(() => deleteReferenceSet(v1.referenceSet.id, actors.bob)).toThrow(
      expect.objectContaining({ status: 403, details: expect.objectContaining({ reason: "not_owner" }) }),
    );
    expect(() => deleteReferenceSet("ref_nope", actors.admin)).toThrow(
      expect.objectContaining({ status: 404, code: "not_found" }),
    );
    expect(countRows(referenceSets)).toBe(2);

    const res = deleteReferenceSet(v1.referenceSet.id, actors.alice);
    expect(res).toEqual({
      id: v1.referenceSet.id,
      name: "coco",
      version: 1,
      deleted: true,
      images: 3,
      comparisons: 0,
      imagesDeleted: 2,
      filesDeleted: 2,
    });
    // Image 3 stays: version 2 holds it.
    expect(storedFiles(dir)).toHaveLength(2);
    expect(getDb().select({ id: referenceSets.id }).from(referenceSets).all()).toEqual([{ id: v2.referenceSet.id }]);
    expect(
      getDb()
        .select({
          action: auditLog.action,
          targetType: auditLog.targetType,
          targetId: auditLog.targetId,
          apiKeyId: auditLog.apiKeyId,
        })
        .from(auditLog)
        .all(),
    ).toEqual([
      // Creations and new versions are recorded too.
      {
        action: "reference_set.create",
        targetType: "reference_set",
        targetId: v1.referenceSet.id,
        apiKeyId: actors.alice.id,
      },
      {
        action: "reference_set.version",
        targetType: "reference_set",
        targetId: v2.referenceSet.id,
        apiKeyId: actors.alice.id,
      },
      {
        action: "reference_set.delete",
        targetType: "reference_set",
        targetId: v1.referenceSet.id,
        apiKeyId: actors.alice.id,
      },
    ]);

    // An admin may delete anyone's; then nothing is left.
    expect(deleteReferenceSet(v2.referenceSet.id, actors.admin)).toMatchObject({
      deleted: true,
      imagesDeleted: 2,
      filesDeleted: 2,
    });
    expect(countRows(images) + countRows(referenceImages) + countRows(referenceSets)).toBe(0);
    expect(storedFiles(dir)).toEqual([]);
  });

  it("deleting a run keeps the images a reference set also holds (and deleting the set then removes them)", async () => {
    createPromptSet({
      name: "shapes",
      prompts: ["a red square", "a green circle on white", "a blue triangle"].map((prompt) => ({ prompt })),
    });
    const input = await makeRunInput(dir, { perPrompt: 1 });
    const { run } = await createRun({ ...input, promptSet: "shapes" });
    // The same bytes, staged again, as a global reference set.
    const folder = path.join(dir, "staging", "again");
    fs.mkdirSync(folder, { recursive: true });
    const items = input.items.map((i) => {
      const stagedPath = path.join(folder, i.fileName);
      fs.writeFileSync(stagedPath, i.png);
      return {
        fileName: i.fileName,
        stagedPath,
        sha256: i.sha256,
        bytes: i.bytes,
        width: i.width,
        height: i.height,
        format: i.format,
      };
    });
    const ref = await createReferenceSet({ name: "same-bytes", items }, actors.admin);
    expect(storedFiles(dir)).toHaveLength(3);

    expect(deleteRun(run.id, actors.admin)).toMatchObject({ deleted: true, imagesDeleted: 0, filesDeleted: 0 });
    expect(countRows(images)).toBe(3);
    expect(storedFiles(dir)).toHaveLength(3);
    expect(deleteReferenceSet(ref.referenceSet.id, actors.admin)).toMatchObject({ imagesDeleted: 3, filesDeleted: 3 });
    expect(storedFiles(dir)).toEqual([]);
  });
});
