// Marks a job done (inside the caller's transaction, with the writes that finish it).
import { and, eq } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { jobs } from "../../db/schema";
import { LeaseLostError } from "./lease";

export function completeJob(jobId: number, workerId: string, tx: DbOrTx = getDb()): void {
  const r = tx
    .update(jobs)
    .set({ status: "done", leaseOwner: null, leaseExpiresAt: null, lastError: null })
    .where(and(eq(jobs.id, jobId), eq(jobs.leaseOwner, workerId), eq(jobs.status, "running")))
    .run();
  if (r.changes !== 1) throw new LeaseLostError(jobId, workerId);
}
