// The web server's scoring worker runs in a worker thread (queue-thread.ts), not on the thread
// that answers requests. Returns a function that asks it to hand back its job and stop.
import { startTsWorker } from "../core/threads";
import { ENTRY_POINTS } from "../core/entry-points";

export function startQueueThread(workerId: string): () => void {
  const thread = startTsWorker(ENTRY_POINTS.queueThread, { workerId });
  thread.on("error", (e) => console.error("scoring worker thread failed:", e));
  return () => thread.postMessage("stop");
}
