// The object store in an S3-compatible service (T2I_STORAGE_URL=s3://bucket/prefix), against
// s3rver started by the test: uploads, scoring, serving, thumbnails, deletes and the crash
// clean-up work on it as on the local folder, nothing lands in the data folder's images/, a store
// that cannot be reached answers 503 with Retry-After and leaves nothing written, and claims of
// another machine are respected until they expire.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { images, runs, storageClaims } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { createTestActors } from "../../tools/test-support/actors";
import { createRun } from "../runs/create-run";
import { deleteRun } from "../runs/delete-run";
import { scoreRun } from "../runs/score-run";
import { countRows, FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { startS3, type S3Server } from "../../tools/test-support/services/s3";
import { waitFor } from "../../tools/test-support/worker-process";
import { imageKey, putFile, read } from "./content-store";
import { getImageOrThrow } from "./get-image-or-throw";
import { objectStore } from "./get-object-store";
import { removeLeftovers } from "./remove-leftovers";
import { serveObject } from "./serve-object";
import { CLAIM_TTL_MS } from "./store-claims";
import { thumbKey, thumbnail } from "./thumbnail";

let s3: S3Server;
let ev: ClipEvaluator;
beforeAll(async () => {
  s3 = await startS3();
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(async () => {
  await ev.release();
  await s3.stop();
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDataDir));

/** A fresh data folder whose images go to s3rver under `prefix`. */
function useStore(prefix: string, extra: Record<string, string> = {}) {
  const dir = useTempDataDir({
    T2I_STORAGE_URL: `s3://${s3.bucket}/${prefix}`,
    T2I_S3_ENDPOINT: s3.endpoint,
    T2I_S3_ACCESS_KEY_ID: s3.accessKeyId,
    T2I_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    T2I_STORAGE_REDIRECT: "0",
    ...extra,
  });
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const k of [
    "T2I_STORAGE_URL",
    "T2I_S3_ENDPOINT",
    "T2I_S3_ACCESS_KEY_ID",
    "T2I_S3_SECRET_ACCESS_KEY",
    "T2I_STORAGE_REDIRECT",
  ])
    delete process.env[k];
});

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of objectStore().list(prefix)) out.push(o.key);
  return out.sort();
}

describe("the S3-compatible object store", () => {
  it("stores an upload's images once by sha256 in the bucket, scores, serves and thumbnails them from there", async () => {
    const dir = useStore("t1");
    expect(objectStore().kind).toBe("s3");
    const input = await makeRunInput(dir, { perPrompt: 2 });
    const { run } = await createRun(input);
    const stored = await keys("images/");
    expect(stored).toEqual([...new Set(input.items.map((i) => imageKey(i.sha256, "png")))].sort());
    expect(fs.existsSync(path.join(dir, "images"))).toBe(false);
    expect(countRows(storageClaims)).toBe(0);
    expect(await read(input.items[0]!.sha256, "png")).toEqual(input.items[0]!.png);

    // Write-once: the same content again adds nothing.
    const again = path.join(dir, "again.png");
    fs.writeFileSync(again, input.items[0]!.png);
    expect(await putFile(again, { format: "png" })).toMatchObject({ added: false });

    const scored = await scoreRun({ runId: run.id, evaluator: ev });
    expect(scored).toMatchObject({ status: "scored", imagesEmbedded: 6 });

    const img = getImageOrThrow(input.items[1]!.sha256);
    const res = await serveObject(img.key, { "Content-Type": img.contentType });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(input.items[1]!.png);

    const t = await thumbnail(input.items[1]!.sha256, 96);
    expect(t.key).toBe(thumbKey(input.items[1]!.sha256, 96));
    expect(await keys("thumbs/")).toEqual([t.key]);
    expect((await thumbnail(input.items[1]!.sha256, 96)).data).toEqual(t.data);
  });

  it("answers image reads with a presigned URL of the store when T2I_STORAGE_REDIRECT is on", async () => {
    const dir = useStore("t2", { T2I_STORAGE_REDIRECT: "1" });
    const input = await makeRunInput(dir, { perPrompt: 1 });
    await createRun(input);
    const img = getImageOrThrow(input.items[0]!.sha256);
    const res = await serveObject(img.key, {});
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(s3.endpoint)).toBe(true);
    expect(location).toMatch(/X-Amz-Signature=/);
    const direct = await fetch(location);
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer())).toEqual(input.items[0]!.png);
  });

  it("removes a deleted run's objects, and the clean-up takes objects no row or live claim holds", async () => {
    const dir = useStore("t3");
    const a = await makeRunInput(dir, { perPrompt: 1, folder: "a" });
    const { run } = await createRun(a);
    deleteRun(run.id, createTestActors().admin);
    await waitFor("the deleted run's objects to go", async () => (await keys("images/")).length === 0, 30_000, 50);

    // Crash leftovers: an object without a row (its upload died before committing) goes, unless a
    // live claim holds it; a claim of another machine lives until it expires.
    const b = await makeRunInput(dir, { perPrompt: 1, folder: "b" });
    const [orphan, claimedHere, claimedElsewhere] = b.items;
    for (const i of b.items) await objectStore().putFile(imageKey(i.sha256, "png"), i.stagedPath, "image/png");
    const now = Date.now();
    getDb()
      .insert(storageClaims)
      .values([
        { sha256: claimedHere!.sha256, kind: "upload", owner: "gone-host/1/abc", expiresAt: new Date(now - 1) },
        {
          sha256: claimedElsewhere!.sha256,
          kind: "upload",
          owner: "web-2/7/abc",
          expiresAt: new Date(now + CLAIM_TTL_MS),
        },
      ])
      .run();
    const report = await removeLeftovers(now);
    expect(report.files.sort()).toEqual([orphan, claimedHere].map((i) => imageKey(i!.sha256, "png")).sort());
    expect(report.claims).toBe(1);
    expect(await keys("images/")).toEqual([imageKey(claimedElsewhere!.sha256, "png")]);
    // Once that claim has expired too, its object goes.
    expect((await removeLeftovers(now + CLAIM_TTL_MS + 1)).files).toEqual([imageKey(claimedElsewhere!.sha256, "png")]);
    expect(await keys("images/")).toEqual([]);
    expect(countRows(storageClaims)).toBe(0);
  });

  it("answers 503 with Retry-After when the store cannot be reached, and writes nothing", async () => {
    const dir = useStore("t4", { T2I_S3_ENDPOINT: "http://127.0.0.1:9" });
    const input = await makeRunInput(dir, { perPrompt: 1 });
    const e = await createRun(input).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ status: 503, code: "unavailable", headers: { "Retry-After": "30" } });
    expect(countRows(runs)).toBe(0);
    expect(countRows(images)).toBe(0);
    expect(countRows(storageClaims)).toBe(0);
  });
});
