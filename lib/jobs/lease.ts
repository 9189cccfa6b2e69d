// Leases: a claimed job belongs to one worker until its lease expires. Every write a worker
// makes for a job first checks, inside the same transaction, that it still holds the lease;
// a worker that lost it (it stalled, another worker took over) writes nothing more.
import { and, eq } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { jobs } from "../../db/schema";

export type Lease = { jobId: number; workerId: string; leaseMs: number };

export class LeaseLostError extends Error {
  constructor(
    readonly jobId: number,
    readonly workerId: string,
  ) {
    super(`worker ${workerId} no longer holds the lease on job ${jobId}`);
    this.name = "LeaseLostError";
  }
}

/** Throws LeaseLostError unless `lease` is still held; on success extends it (a heartbeat). */
export function assertLease(tx: DbOrTx, lease: Lease, now = Date.now()): void {
  const r = tx
    .update(jobs)
    .set({ leaseExpiresAt: new Date(now + lease.leaseMs), heartbeatAt: new Date(now) })
    .where(and(eq(jobs.id, lease.jobId), eq(jobs.leaseOwner, lease.workerId), eq(jobs.status, "running")))
    .run();
  if (r.changes !== 1) throw new LeaseLostError(lease.jobId, lease.workerId);
}

/** Runs `fn` in one IMMEDIATE transaction that first checks (and renews) `lease`, when there is one. */
export function fenced<T>(lease: Lease | undefined, fn: (tx: DbOrTx) => T): T {
  return getDb().transaction(
    (tx) => {
      if (lease) assertLease(tx, lease);
      return fn(tx);
    },
    { behavior: "immediate" },
  );
}
