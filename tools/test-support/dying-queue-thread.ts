// A scoring thread that reports once and then dies with an error, for the supervisor test
// (lib/workers/supervisor.test.ts): start-queue-thread.ts must restart it and count the restarts.
import { parentPort } from "node:worker_threads";

parentPort!.postMessage({ type: "loop-status", report: { state: "idle", at: Date.now() } });
setTimeout(() => {
  throw new Error("the scoring loop blew up");
}, 20);
