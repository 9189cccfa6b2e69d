// The web server's scoring worker runs in the thread that holds the service's evaluator
// (queue-thread.ts), not on the thread that answers requests. Returns a function that asks it to
// hand back its job and stop.
import { onSharedThreadStart, sharedThread } from "../core/threads";
import { ENTRY_POINTS } from "../core/entry-points";

export function startQueueThread(workerId: string): () => void {
  const thread = onSharedThreadStart(ENTRY_POINTS.queueThread, { type: "work-queue", workerId });
  thread.on("error", (e) => console.error("scoring worker thread failed:", e));
  return () => sharedThread(ENTRY_POINTS.queueThread).postMessage({ type: "stop" });
}
