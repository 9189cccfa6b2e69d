// What the web server does once when it starts (instrumentation.ts, Node.js runtime only): applies
// migrations, removes crash leftovers (at start and every T2I_CLEANUP_INTERVAL_MS), says how many
// runs lack scores from the installed evaluator, and works the scoring queue in a worker thread,
// so a single `npm start` is a complete service.
import { config } from "../core/config";
import { migrate } from "../../db/migrate";
import { startLeftoverCleanup } from "../storage/remove-leftovers";
import { rescoreHint, rescoreHintLine } from "../runs/rescore-hint";
import { startQueueThread } from "./start-queue-thread";

export function startWebProcess(): void {
  migrate();
  startLeftoverCleanup();
  void rescoreHint()
    .then((h) => {
      const line = rescoreHintLine(h);
      if (line) console.log(line);
    })
    .catch((e: unknown) => console.error("could not count runs lacking scores:", e));
  if (!config().inProcessWorker) return;
  // In a worker thread: scoring must not hold the event loop that answers requests.
  const stop = startQueueThread(`web-${process.pid}`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, stop);
}
