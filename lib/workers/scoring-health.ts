// Whether scoring works, for /api/v1/health: the state and last heartbeat of each scoring loop this
// process runs (loop-status.ts, kept by the supervisor in start-queue-thread.ts) and what the queue
// holds. Scoring has stopped (health answers 503) when
// - an in-process loop's thread died and is waiting to restart, stopped, keeps failing, or has not
//   reported for T2I_SCORING_STALE_MS; or
// - the server should work the queue itself (T2I_INPROCESS_WORKER) but no loop is registered; or
// - work has been queued for longer than T2I_SCORING_STALL_MS while no job holds a live lease
//   (this also catches external workers, `npm run worker`, that are all gone).
// A loop waiting out another process's write lock (database_busy) is alive: reported, not 503.
import { config } from "../core/config";
import { queueStats, type QueueStats } from "../jobs/queue-stats";
import { scoringLoops, type LoopStatus } from "./loop-status";

export type ScoringHealth = {
  status: "ok" | "stopped";
  /** Why scoring counts as stopped (empty when ok). */
  reasons: string[];
  inProcessWorker: boolean;
  loops: (LoopStatus & { lastBeatAgeMs: number })[];
  queue: Omit<QueueStats, "oldestQueuedAt"> & { oldestQueuedAgeS: number | null };
};

export function scoringHealth(now = Date.now()): ScoringHealth {
  const cfg = config();
  const loops = [...scoringLoops().values()].map((l) => ({ ...l, lastBeatAgeMs: now - l.lastBeatAt }));
  const q = queueStats(now);
  const reasons: string[] = [];
  if (cfg.inProcessWorker && loops.length === 0)
    reasons.push("this server should work the scoring queue (T2I_INPROCESS_WORKER) but runs no scoring loop");
  for (const l of loops) {
    const err = l.lastError ? `: ${l.lastError}` : "";
    if (l.state === "restarting")
      reasons.push(`scoring loop ${l.id} died and is being restarted (restart ${l.restarts})${err}`);
    else if (l.state === "stopped") reasons.push(`scoring loop ${l.id} has stopped`);
    else if (l.state === "failing") reasons.push(`scoring loop ${l.id} keeps failing${err}`);
    else if (l.lastBeatAgeMs > cfg.scoringStaleMs)
      reasons.push(
        `scoring loop ${l.id} has not reported for ${Math.round(l.lastBeatAgeMs / 1000)} s (state ${l.state})`,
      );
  }
  const oldestQueuedAgeS = q.oldestQueuedAt ? Math.max(0, (now - q.oldestQueuedAt.getTime()) / 1000) : null;
  if (oldestQueuedAgeS !== null && oldestQueuedAgeS * 1000 > cfg.scoringStallMs && q.liveLeases === 0)
    reasons.push(
      `${q.queued} job(s) queued, the oldest for ${Math.round(oldestQueuedAgeS)} s, and no worker holds a job: no worker is scoring`,
    );
  return {
    status: reasons.length ? "stopped" : "ok",
    reasons,
    inProcessWorker: cfg.inProcessWorker,
    loops,
    queue: { queued: q.queued, liveLeases: q.liveLeases, queuedByLane: q.queuedByLane, oldestQueuedAgeS },
  };
}
