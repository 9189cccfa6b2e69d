// The web server's scoring worker runs in a worker thread (queue-thread.ts), not on the thread
// that answers requests. Returns a function that asks it to hand back its job and stop.
import { startTsWorker } from "../threads/ts-worker";

export function startQueueThread(workerId: string): () => void {
  const thread = startTsWorker("lib/jobs/queue-thread.ts", { workerId });
  thread.on("error", (e) => console.error("scoring worker thread failed:", e));
  return () => thread.postMessage("stop");
}
