// Extends a worker's lease on a task; 409 lease_lost once the lease has expired or moved on.
import { getDb } from "../../db/client";
import { config } from "../core/config";
import { holdTaskLease } from "./task-lease";

export function heartbeatTask(
  taskId: string,
  tokenId: string,
  opts: { now?: number; leaseMs?: number } = {},
): { leaseExpiresAt: Date } {
  const leaseMs = opts.leaseMs ?? config().genLeaseMs;
  const task = getDb().transaction((tx) => holdTaskLease(tx, taskId, tokenId, { now: opts.now, extendMs: leaseMs }), {
    behavior: "immediate",
  });
  return { leaseExpiresAt: task.leaseExpiresAt! };
}
