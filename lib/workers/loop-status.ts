// What a scoring loop (run-worker.ts) says about itself, and, on the web server's main thread, the
// registry of its in-process loops that /api/v1/health reads (scoring-health.ts). A loop reports
// on every claim, every lease heartbeat and every change of state; the thread it runs in forwards
// each report to the supervisor (start-queue-thread.ts), which also records restarts.

/**
 * starting: loading the evaluator; idle: found no job; working: holds a job (jobId);
 * database_busy: another process holds SQLite's write lock and the loop is waiting to retry;
 * failing: an unexpected error, retried with backoff; restarting: the thread died and the
 * supervisor starts a new one after a pause; stopped: stopped on request (shutdown).
 */
export const LOOP_STATES = [
  "starting",
  "idle",
  "working",
  "database_busy",
  "failing",
  "restarting",
  "stopped",
] as const;
export type LoopState = (typeof LOOP_STATES)[number];

/** One report of a loop (posted from its thread as { type: "loop-status", report }). */
export type LoopReport = { state: LoopState; at: number; jobId?: number; runId?: string; error?: string };

export type LoopStatus = {
  id: string;
  /** thread: the web server's in-process scoring thread (the only kind this process can see). */
  kind: "thread";
  state: LoopState;
  /** When the loop entered `state`. */
  since: number;
  /** The loop's last report of any kind (its heartbeat). */
  lastBeatAt: number;
  /** Times the supervisor restarted its thread after it died. */
  restarts: number;
  jobId?: number;
  runId?: string;
  lastError?: string;
};

const KEY = Symbol.for("t2i-eval.scoringLoops");
const holder = globalThis as typeof globalThis & { [KEY]?: Map<string, LoopStatus> };

/** This process's in-process scoring loops, by id (on globalThis: Next.js bundles instrumentation and routes apart). */
export function scoringLoops(): Map<string, LoopStatus> {
  holder[KEY] ??= new Map();
  return holder[KEY];
}

/** Applies one report of loop `id` to the registry. */
export function recordLoopReport(id: string, r: LoopReport): LoopStatus {
  const loops = scoringLoops();
  const prev = loops.get(id);
  const next: LoopStatus = {
    id,
    kind: "thread",
    state: r.state,
    since: prev && prev.state === r.state ? prev.since : r.at,
    lastBeatAt: r.at,
    restarts: prev?.restarts ?? 0,
    ...(r.jobId !== undefined ? { jobId: r.jobId } : {}),
    ...(r.runId !== undefined ? { runId: r.runId } : {}),
    ...(r.error !== undefined ? { lastError: r.error } : prev?.lastError ? { lastError: prev.lastError } : {}),
  };
  loops.set(id, next);
  return next;
}

/** The supervisor saw the loop's thread die and will start another: counts the restart. */
export function recordLoopRestart(id: string, error: string, at = Date.now()): LoopStatus {
  const s = recordLoopReport(id, { state: "restarting", at, error });
  s.restarts++;
  return s;
}

export function isLoopReportMessage(m: unknown): m is { type: "loop-status"; report: LoopReport } {
  return typeof m === "object" && m !== null && (m as { type?: unknown }).type === "loop-status";
}
