// Leases on generation tasks. A claimed task belongs to one worker token until its lease runs
// out; every call a worker makes for the task first checks, inside the same transaction as the
// call's writes, that the lease is still its own and unexpired. A worker that lost it (it
// stalled, the task went back to the queue or to another worker) gets 409 lease_lost and
// writes nothing.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { generationTasks, type GenerationTaskRow } from "../../db/schema";
import { AppError } from "../core/errors";

export function getTaskOrThrow(tx: DbOrTx, taskId: string): GenerationTaskRow {
  const task = tx.select().from(generationTasks).where(eq(generationTasks.id, taskId)).get();
  if (!task) throw new AppError("not_found", `no generation task with id "${taskId}"`);
  return task;
}

export function leaseLost(task: GenerationTaskRow, tokenId: string): AppError {
  const why =
    task.status === "running" && task.leaseOwner === tokenId
      ? "its lease expired; the task goes back to the queue"
      : task.status === "running"
        ? "another worker holds it now"
        : `the task is ${task.status}`;
  return new AppError("lease_lost", `this worker no longer holds the lease on task ${task.id}: ${why}`, {
    taskId: task.id,
    status: task.status,
  });
}

/** The task, if `tokenId` holds an unexpired lease on it; throws 404 / 409 lease_lost. With `extendMs`, renews the lease. */
export function holdTaskLease(
  tx: DbOrTx,
  taskId: string,
  tokenId: string,
  opts: { now?: number; extendMs?: number } = {},
): GenerationTaskRow {
  const now = opts.now ?? Date.now();
  const task = getTaskOrThrow(tx, taskId);
  if (
    task.status !== "running" ||
    task.leaseOwner !== tokenId ||
    !task.leaseExpiresAt ||
    task.leaseExpiresAt.getTime() <= now
  )
    throw leaseLost(task, tokenId);
  if (opts.extendMs === undefined) return task;
  return tx
    .update(generationTasks)
    .set({ leaseExpiresAt: new Date(now + opts.extendMs), heartbeatAt: new Date(now) })
    .where(eq(generationTasks.id, taskId))
    .returning()
    .get();
}
