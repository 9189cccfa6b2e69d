// What the queue holds right now, for /api/v1/health: work waiting, work under a live lease, and
// how long the oldest waiting job has waited, per lane (claim-job.ts). Reads only: under WAL this
// never waits for another process's write lock.
import { sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs, laneOfPriority } from "../../db/schema";

export type QueueStats = {
  queued: number;
  /** Jobs whose worker renewed its lease recently (lease not yet expired). */
  liveLeases: number;
  /** When the oldest queued job was queued (or last handed back), or null. */
  oldestQueuedAt: Date | null;
  /** Queued jobs per lane name. */
  queuedByLane: Record<string, number>;
};

export function queueStats(now = Date.now()): QueueStats {
  const db = getDb();
  const row = db
    .select({
      queued: sql<number>`coalesce(sum(${jobs.status} = 'queued'), 0)`,
      live: sql<number>`coalesce(sum(${jobs.status} = 'running' and ${jobs.leaseExpiresAt} > ${now}), 0)`,
      oldest: sql<number | null>`min(case when ${jobs.status} = 'queued' then ${jobs.updatedAt} end)`,
    })
    .from(jobs)
    .get()!;
  const lanes = db
    .select({ priority: jobs.priority, n: sql<number>`count(*)` })
    .from(jobs)
    .where(sql`${jobs.status} = 'queued'`)
    .groupBy(jobs.priority)
    .all();
  return {
    queued: row.queued,
    liveLeases: row.live,
    oldestQueuedAt: row.oldest === null ? null : new Date(row.oldest),
    queuedByLane: Object.fromEntries(lanes.map((l) => [laneOfPriority(l.priority), l.n])),
  };
}
