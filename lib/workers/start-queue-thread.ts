// The web server's scoring worker runs in the thread that holds the service's evaluator
// (queue-thread.ts, one per process: lib/core/threads sharedThread, which /api/v1/metrics batches
// also use), not on the thread that answers requests, under a supervisor: when the thread ends
// without being asked to (an error escaped the loop, the thread crashed), it is started again after
// a pause that doubles from RESTART_BACKOFF_MS[0] up to RESTART_BACKOFF_MS[1], and the restart is
// counted in the loop's status (loop-status.ts), which /api/v1/health reports. Returns a function
// that asks it to hand back its job and stop.
import type { Worker } from "node:worker_threads";
import { onSharedThreadStart, sharedThread } from "../core/threads";
import { ENTRY_POINTS } from "../core/entry-points";
import { isLoopReportMessage, recordLoopReport, recordLoopRestart } from "./loop-status";

/** Pause before a restart: the first, and the most after repeated crashes. */
export const RESTART_BACKOFF_MS = [1000, 60_000] as const;
/** A thread that ran this long before dying restarts after the first pause again. */
const HEALTHY_RUN_MS = 5 * 60_000;

export type QueueThreadOptions = {
  /** Entry file (tests start a thread that dies); default ENTRY_POINTS.queueThread. */
  entry?: string;
  backoffMs?: readonly [number, number];
  log?: (line: string) => void;
};

export function startQueueThread(workerId: string, opts: QueueThreadOptions = {}): () => void {
  const entry = opts.entry ?? ENTRY_POINTS.queueThread;
  const [first, most] = opts.backoffMs ?? RESTART_BACKOFF_MS;
  const log = opts.log ?? ((line: string) => console.error(line));
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let crashes = 0;
  const watched = new WeakSet<Worker>();
  let current: Worker | undefined;

  // Watches the process's shared thread (started now, or earlier by a /metrics batch): the
  // work-queue message registered below reaches every thread started later.
  const watch = (t: Worker) => {
    if (watched.has(t)) return;
    watched.add(t);
    current = t;
    const startedAt = Date.now();
    recordLoopReport(workerId, { state: "starting", at: startedAt });
    let lastError = "";
    t.on("message", (m: unknown) => {
      if (isLoopReportMessage(m)) recordLoopReport(workerId, m.report);
    });
    t.on("error", (e) => {
      lastError = e instanceof Error ? e.message : String(e);
      log(`scoring worker thread failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    t.on("exit", (code) => {
      if (current === t) current = undefined;
      if (stopping) {
        recordLoopReport(workerId, { state: "stopped", at: Date.now() });
        return;
      }
      if (Date.now() - startedAt > HEALTHY_RUN_MS) crashes = 0;
      const delay = Math.min(first * 2 ** crashes++, most);
      const why = lastError || `the thread exited with code ${code}`;
      const status = recordLoopRestart(workerId, why);
      log(`scoring worker thread ${workerId} stopped (${why}); restart ${status.restarts} in ${delay} ms`);
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopping) watch(sharedThread(entry));
      }, delay);
      timer.unref();
    });
  };
  watch(onSharedThreadStart(entry, { type: "work-queue", workerId }));

  return () => {
    stopping = true;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
      recordLoopReport(workerId, { state: "stopped", at: Date.now() });
    }
    current?.postMessage({ type: "stop" });
  };
}
