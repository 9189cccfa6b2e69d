// Extends a job's lease, but only while `workerId` still owns it.
import { getDb } from "../../db/client";
import { config } from "../core/config";
import { assertLease, LeaseLostError } from "./lease";

/** True when the lease was extended; false when the worker no longer owns the job. */
export function heartbeat(jobId: number, workerId: string, leaseMs = config().jobLeaseMs): boolean {
  try {
    getDb().transaction((tx) => assertLease(tx, { jobId, workerId, leaseMs }), { behavior: "immediate" });
    return true;
  } catch (e) {
    if (e instanceof LeaseLostError) return false;
    throw e;
  }
}
