// Entry of the worker thread that scores /api/v1/metrics batches (see score-off-thread.ts): it
// loads the service's evaluator once and scores one batch at a time, so decoding, the PIL-exact
// resize and ONNX never run on the web server's event loop.
import fs from "node:fs/promises";
import { parentPort } from "node:worker_threads";
import { getEvaluator } from "../clip/evaluator";
import { resolveServiceModel } from "../clip/resolve-model";
import { config } from "../core/config";
import { isAppError } from "../core/errors";
import { scoreBatch } from "./score-batch";
import { lowerThisThreadsPriority } from "../core/threads";
import type { ThreadReply, ThreadRequest } from "./score-off-thread";

if (!parentPort) throw new Error("metrics-thread.ts runs as a worker thread");
const port = parentPort;
lowerThisThreadsPriority();
// One core stays with the web server.
const evaluator = () => {
  const m = resolveServiceModel();
  return getEvaluator(m.dir, {
    variant: m.variant,
    threads: Math.max(1, config().threads - 1),
    executionProvider: config().executionProvider,
  });
};
let queue = Promise.resolve();

port.on("message", (req: ThreadRequest) => {
  queue = queue.then(async () => {
    let reply: ThreadReply;
    try {
      const report = await scoreBatch(
        await evaluator(),
        req.items.map((i) => ({ file: i.file, prompt: i.prompt, group: i.group, image: () => fs.readFile(i.path) })),
        { bootstrapSeed: req.seed },
      );
      reply = { id: req.id, report };
    } catch (e) {
      reply = isAppError(e)
        ? { id: req.id, error: { appError: { code: e.code, message: e.message, details: e.details } } }
        : { id: req.id, error: { message: e instanceof Error ? (e.stack ?? e.message) : String(e) } };
    }
    port.postMessage(reply);
  });
});
