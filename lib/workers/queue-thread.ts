// Entry of the worker thread that holds the service's evaluator (one per process, lib/core/threads
// sharedThread): it works the scoring queue when asked (start-queue-thread.ts, from
// instrumentation.ts: the same loop as `npm run worker`) and scores /api/v1/metrics batches
// (lib/scoring/score-off-thread.ts) with the same ONNX sessions, at lower CPU priority, so neither
// holds the server's event loop and the process loads the model once. Every report of the queue
// loop (its heartbeat and state) goes to the supervisor (start-queue-thread.ts), which
// /api/v1/health reads; a loop that fails ends the thread, and the supervisor starts another.
import fs from "node:fs/promises";
import { parentPort } from "node:worker_threads";
import { loadedEvaluators, sessionsOpenedInThisThread } from "../clip/evaluator";
import { isAppError } from "../core/errors";
import { lowerThisThreadsPriority } from "../core/threads";
import { scoreBatch } from "../scoring/score-batch";
import type { ThreadReply, ThreadRequest } from "../scoring/score-off-thread";
import { getServiceEvaluator } from "../scoring/service-evaluator";
import type { LoopReport } from "./loop-status";
import { startWorker } from "./run-worker";

export type QueueThreadMessage =
  { type: "work-queue"; workerId: string } | { type: "stop" } | { type: "stats" } | ThreadRequest;

export type QueueThreadStats = { type: "stats"; evaluators: string[]; sessions: number; workingQueue: boolean };

if (!parentPort) throw new Error("queue-thread.ts runs as a worker thread");
const port = parentPort;
lowerThisThreadsPriority();

const stop = new AbortController();
let working = false;
let scoring = Promise.resolve();

port.on("message", (m: QueueThreadMessage | "stop") => {
  if (m === "stop" || m.type === "stop") return stop.abort();
  if (m.type === "work-queue") {
    if (working) return;
    working = true;
    const onStatus = (report: LoopReport) => port.postMessage({ type: "loop-status", report });
    startWorker({ workerId: m.workerId, signal: stop.signal, onStatus }).then(
      () => {
        working = false;
        port.close();
      },
      (e: unknown) => {
        working = false;
        console.error("scoring worker loop stopped:", e);
        onStatus({ state: "failing", at: Date.now(), error: e instanceof Error ? e.message : String(e) });
        // Ends this thread: the supervisor sees the exit and starts another after a pause.
        port.close();
      },
    );
    return;
  }
  if (m.type === "stats") {
    const reply: QueueThreadStats = {
      type: "stats",
      evaluators: loadedEvaluators(),
      sessions: sessionsOpenedInThisThread(),
      workingQueue: working,
    };
    return port.postMessage(reply);
  }
  // A /metrics batch: one at a time, with the evaluator the queue loop uses (getEvaluator's cache).
  const req = m;
  scoring = scoring.then(async () => {
    let reply: ThreadReply;
    try {
      const report = await scoreBatch(
        await getServiceEvaluator(),
        req.items.map((i) => ({ file: i.file, prompt: i.prompt, group: i.group, image: () => fs.readFile(i.path) })),
        { bootstrapSeed: req.seed },
      );
      reply = { type: "score-reply", id: req.id, report };
    } catch (e) {
      reply = isAppError(e)
        ? {
            type: "score-reply",
            id: req.id,
            error: { appError: { code: e.code, message: e.message, details: e.details } },
          }
        : {
            type: "score-reply",
            id: req.id,
            error: { message: e instanceof Error ? (e.stack ?? e.message) : String(e) },
          };
    }
    port.postMessage(reply);
  });
});
