// PUT /api/v1/worker/tasks/:id/samples/:index: one generated image. The bytes are streamed to
// the staging folder (at most T2I_MAX_IMAGE_BYTES), checked like an upload (PNG magic bytes,
// header and pixel limit before decoding, a full decode that catches truncation) and stored in
// the content store, then given an images row and the run's samples row (with the sample's
// derived seed) in one transaction that first checks the worker's lease. Idempotent per (task, index):
// the same bytes again are a 200, other bytes a 409.
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, images, prompts, runs, samples } from "../../db/schema";
import { config } from "../core/config";
import { AppError } from "../core/errors";
import { putFile } from "../storage/content-store";
import { removeObjectsWithoutImageRow } from "../storage/remove-files-without-image-row";
import { claimStoreFiles } from "../storage/store-claims";
import { createStagingDir, removeStagingDir, storeStream, StreamTooLargeError } from "../uploads/staging";
import { tooLarge } from "../uploads/upload-errors";
import { checkImage } from "../uploads/verify-images";
import { deriveSeed } from "./derive-seed";
import { holdTaskLease } from "./task-lease";

export type StoreSampleResult = {
  stored: boolean;
  index: number;
  sha256: string;
  width: number;
  height: number;
  seed: number;
};

export async function storeTaskSample(opts: {
  taskId: string;
  tokenId: string;
  index: number;
  body: NodeJS.ReadableStream;
  leaseMs?: number;
}): Promise<StoreSampleResult> {
  const { taskId, tokenId, index } = opts;
  const cfg = config();
  const db = getDb();
  // Refused before reading a byte: a worker that lost its lease should stop uploading at once.
  const task = holdTaskLease(db, taskId, tokenId);
  if (!Number.isInteger(index) || index < task.sampleFrom || index >= task.sampleTo) {
    throw new AppError(
      "validation_failed",
      `sample index ${index} is not in task ${taskId} (indices ${task.sampleFrom}–${task.sampleTo - 1})`,
      { index, from: task.sampleFrom, to: task.sampleTo },
    );
  }

  const dir = await createStagingDir();
  try {
    const file = path.join(dir, `sample-${index}.png`);
    let staged;
    try {
      staged = await storeStream(opts.body, file, cfg.maxImageBytes);
    } catch (e) {
      if (e instanceof StreamTooLargeError) throw tooLarge(`sample ${index}`, "maxImageBytes", cfg.maxImageBytes);
      throw e;
    }
    if (!staged || staged.bytes === 0)
      throw new AppError("validation_failed", `sample ${index}: the body is empty; send the PNG bytes`, {
        index,
        code: "image_unreadable",
      });
    const checked = await checkImage(file, cfg.maxImagePixels);
    if ("code" in checked)
      throw new AppError("validation_failed", `sample ${index}: ${checked.message}`, { index, code: checked.code });
    if (checked.format !== "png")
      throw new AppError("validation_failed", `sample ${index}: a ${checked.format} file; workers send PNG`, {
        index,
        code: "image_unsupported_type",
      });
    const want = db
      .select({ width: generations.width, height: generations.height })
      .from(generations)
      .where(eq(generations.id, task.generationId))
      .get();
    if (want && (checked.width !== want.width || checked.height !== want.height)) {
      throw new AppError(
        "validation_failed",
        `sample ${index}: the image is ${checked.width}×${checked.height} but the task asks for ${want.width}×${want.height}`,
        {
          index,
          code: "image_wrong_size",
          expected: { width: want.width, height: want.height },
          received: { width: checked.width, height: checked.height },
        },
      );
    }

    // Stored before the rows (an object store is not part of the transaction); the claim keeps the
    // clean-up off the object until the rows are committed.
    const claim = await claimStoreFiles([staged.sha256]);
    let added = false;
    try {
      added = (await putFile(file, { format: "png", expectedSha256: staged.sha256 })).added;
      return db.transaction(
        (tx) => {
          const t = holdTaskLease(tx, taskId, tokenId, { extendMs: opts.leaseMs ?? cfg.genLeaseMs });
          const existing = tx
            .select({ sha256: samples.imageSha256, seed: samples.seed, width: samples.width, height: samples.height })
            .from(samples)
            .where(and(eq(samples.runId, t.runId), eq(samples.promptId, t.promptId), eq(samples.sampleIndex, index)))
            .get();
          if (existing) {
            if (existing.sha256 === staged.sha256)
              return {
                stored: false,
                index,
                sha256: existing.sha256,
                width: existing.width,
                height: existing.height,
                seed: existing.seed ?? 0,
              };
            throw new AppError(
              "conflict",
              `sample ${index} of task ${taskId} is already stored with other bytes (sha256 ${existing.sha256})`,
              {
                index,
                storedSha256: existing.sha256,
                receivedSha256: staged.sha256,
              },
            );
          }
          const meta = tx
            .select({ requestSeed: generations.seed, promptKey: prompts.promptKey })
            .from(generations)
            .innerJoin(prompts, eq(prompts.id, t.promptId))
            .where(eq(generations.id, t.generationId))
            .get()!;
          const seed = deriveSeed(meta.requestSeed, meta.promptKey, index);
          tx.insert(images)
            .values({
              sha256: staged.sha256,
              bytes: staged.bytes,
              format: "png",
              width: checked.width,
              height: checked.height,
            })
            .onConflictDoNothing()
            .run();
          tx.insert(samples)
            .values({
              runId: t.runId,
              promptId: t.promptId,
              seed,
              sampleIndex: index,
              imageSha256: staged.sha256,
              width: checked.width,
              height: checked.height,
              fileName: `${meta.promptKey}-s${index}.png`,
            })
            .run();
          tx.update(runs)
            .set({ generatedDone: sql`${runs.generatedDone} + 1` })
            .where(eq(runs.id, t.runId))
            .run();
          return { stored: true, index, sha256: staged.sha256, width: checked.width, height: checked.height, seed };
        },
        { behavior: "immediate" },
      );
    } catch (e) {
      // Its rows did not commit: deleted unless a concurrent upload's images row or claim now needs it.
      if (added)
        await removeObjectsWithoutImageRow([{ sha256: staged.sha256, format: "png" }], { except: claim.owner });
      throw e;
    } finally {
      claim.release();
    }
  } finally {
    await removeStagingDir(dir);
  }
}
