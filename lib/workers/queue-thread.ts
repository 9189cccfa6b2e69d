// Entry of the worker thread in which the web server works the scoring queue (started and
// supervised by start-queue-thread.ts from instrumentation.ts): the same loop as `npm run worker`,
// at lower CPU priority, so scoring an uploaded run never holds the server's event loop. Every
// report of the loop (its heartbeat and state) goes to the supervisor, which /api/v1/health reads.
import { parentPort, workerData } from "node:worker_threads";
import { lowerThisThreadsPriority } from "../core/threads";
import type { LoopReport } from "./loop-status";
import { startWorker } from "./run-worker";

if (!parentPort) throw new Error("queue-thread.ts runs as a worker thread");
const port = parentPort;
lowerThisThreadsPriority();

const stop = new AbortController();
port.on("message", (m: unknown) => {
  if (m === "stop") stop.abort();
});

const onStatus = (report: LoopReport) => port.postMessage({ type: "loop-status", report });
startWorker({
  workerId: (workerData as { data: { workerId: string } }).data.workerId,
  signal: stop.signal,
  onStatus,
}).then(
  () => port.close(),
  (e: unknown) => {
    // The supervisor sees the thread end and starts another after a pause.
    console.error("scoring worker thread stopped:", e);
    onStatus({ state: "failing", at: Date.now(), error: e instanceof Error ? e.message : String(e) });
    port.close();
  },
);
