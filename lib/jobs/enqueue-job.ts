// Queues a job (inside the caller's transaction, so a job exists exactly when its run does).
import type { DbOrTx } from "../../db/client";
import { jobs, type JobKind, type JobRow } from "../../db/schema";
import { config } from "../core/config";
import { notifyJobQueued } from "./wake";

export function enqueueJob(tx: DbOrTx, job: { kind: JobKind; runId: string; maxAttempts?: number }): JobRow {
  const row = tx
    .insert(jobs)
    .values({ kind: job.kind, runId: job.runId, maxAttempts: job.maxAttempts ?? config().jobMaxAttempts })
    .returning()
    .get();
  // Workers in this process wake at once; those in other processes find it at their next poll.
  queueMicrotask(notifyJobQueued);
  return row;
}
