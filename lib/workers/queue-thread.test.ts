// The web server's scoring worker in a worker thread: a run queued on the main thread wakes it
// at once (not after a poll interval) and is scored there while this thread's loop stays free.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { runs } from "../../db/schema/index";
import { createRun } from "../runs/create-run";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { startQueueThread } from "./start-queue-thread";

let dir: string;
beforeEach(() => {
  // A poll interval far beyond the test: only the cross-thread wake-up can start the job in time.
  dir = useTempDataDir({ T2I_JOB_POLL_MS: "600000" });
});
afterEach(() => {
  delete process.env.T2I_JOB_POLL_MS;
  removeDataDir(dir);
});

describe("startQueueThread", () => {
  it("scores a run queued on the main thread, woken across threads, without blocking this thread", async () => {
    const stop = startQueueThread("test-thread");
    try {
      // Let the thread load tsx, the evaluator and start waiting for work.
      await new Promise((r) => setTimeout(r, 8000));
      const { run } = await createRun(await makeRunInput(dir, { perPrompt: 3 }));
      let worst = 0;
      let last = performance.now();
      const t0 = performance.now();
      let status = "";
      while (performance.now() - t0 < 60_000) {
        await new Promise((r) => setTimeout(r, 20));
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
        status = getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, run.id)).get()!.status;
        if (status === "scored" || status === "failed") break;
      }
      expect(status).toBe("scored");
      expect(performance.now() - t0).toBeLessThan(60_000);
      expect(worst).toBeLessThan(500);
    } finally {
      stop();
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);
});
