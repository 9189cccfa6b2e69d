// Queues a job (inside the caller's transaction, so a job exists exactly when its run does), in
// its lane (db/schema/jobs.ts JOB_LANES) and on behalf of an API key (the per-key share of
// claim-job.ts).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { jobs, lanePriority, runs, type JobKind, type JobLane, type JobRow } from "../../db/schema";
import { config } from "../core/config";
import { notifyJobQueued } from "./wake";

export type NewJob = {
  kind: JobKind;
  runId: string;
  /** Default: scoring (what a user waits for). */
  lane?: JobLane;
  /** The key whose action queued it; null: the server's own work; omitted: the run's owner. */
  apiKeyId?: string | null;
  maxAttempts?: number;
};

export function enqueueJob(tx: DbOrTx, job: NewJob): JobRow {
  const row = tx
    .insert(jobs)
    .values({
      kind: job.kind,
      runId: job.runId,
      priority: lanePriority(job.lane ?? "scoring"),
      apiKeyId:
        job.apiKeyId !== undefined
          ? job.apiKeyId
          : sql`(select ${runs.apiKeyId} from ${runs} where ${runs.id} = ${job.runId})`,
      maxAttempts: job.maxAttempts ?? config().jobMaxAttempts,
    })
    .returning()
    .get();
  // Workers in this process wake at once; those in other processes find it at their next poll.
  queueMicrotask(notifyJobQueued);
  return row;
}
