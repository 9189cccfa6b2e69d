// Entry of the worker thread in which the web server works the scoring queue (started by
// start-queue-thread.ts from instrumentation.ts): the same loop as `npm run worker`, at lower
// CPU priority, so scoring an uploaded run never holds the server's event loop.
import { parentPort, workerData } from "node:worker_threads";
import { lowerThisThreadsPriority } from "../core/threads";
import { startWorker } from "./run-worker";

if (!parentPort) throw new Error("queue-thread.ts runs as a worker thread");
const port = parentPort;
lowerThisThreadsPriority();
const stop = new AbortController();
port.on("message", (m: unknown) => {
  if (m === "stop") stop.abort();
});
startWorker({ workerId: (workerData as { data: { workerId: string } }).data.workerId, signal: stop.signal }).then(
  () => port.close(),
  (e: unknown) => {
    console.error("scoring worker thread stopped:", e);
    port.close();
  },
);
