// seedDemo() in a worker thread (seed-thread.ts), its progress and log lines passed back as they
// come: what `npm start` uses, so its own thread keeps answering the port while the demo is made.
import { AppError, type ErrorCode } from "../core/errors";
import { ENTRY_POINTS } from "../core/entry-points";
import { startTsWorker } from "../core/threads";
import type { SeedDemoOptions, SeedDemoResult, SeedProgress } from "./seed-demo";

type Message =
  | { type: "log"; line: string }
  | { type: "progress"; progress: SeedProgress }
  | { type: "done"; result: SeedDemoResult }
  | { type: "error"; code: ErrorCode; message: string };

/** Resolves with seedDemo()'s result; rejects with its AppError (code and message kept). */
export function seedDemoInThread(opts: Omit<SeedDemoOptions, "signal">): Promise<SeedDemoResult> {
  const { log, progress, ...data } = opts;
  const thread = startTsWorker(ENTRY_POINTS.seedThread, data);
  return new Promise((resolve, reject) => {
    let settled = false;
    thread.on("message", (m: Message) => {
      if (m.type === "log") log?.(m.line);
      else if (m.type === "progress") progress?.(m.progress);
      else {
        settled = true;
        void thread.terminate();
        if (m.type === "done") resolve(m.result);
        else reject(new AppError(m.code, m.message));
      }
    });
    thread.on("error", (e) => {
      settled = true;
      reject(e);
    });
    thread.on("exit", (code) => {
      if (!settled) reject(new Error(`the demo seeding thread stopped (exit ${code}) before it finished`));
    });
  });
}
