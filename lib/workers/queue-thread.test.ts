// The web server's scoring worker in a worker thread: a run queued on the main thread wakes it
// at once (not after a poll interval) and is scored there while this thread's loop stays free.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { runs } from "../../db/schema/index";
import { createRun } from "../runs/create-run";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { sessionsOpenedInThisThread } from "../clip/evaluator";
import { ENTRY_POINTS } from "../core/entry-points";
import { sharedThread } from "../core/threads";
import { scoreOffThread, stopScoringThread } from "../scoring/score-off-thread";
import type { QueueThreadStats } from "./queue-thread";
import { startQueueThread } from "./start-queue-thread";

function stats(): Promise<QueueThreadStats> {
  const w = sharedThread(ENTRY_POINTS.queueThread);
  return new Promise((resolve) => {
    const on = (m: { type?: string }) => {
      if (m.type !== "stats") return;
      w.off("message", on);
      resolve(m as QueueThreadStats);
    };
    w.on("message", on);
    w.postMessage({ type: "stats" });
  });
}

let dir: string;
beforeEach(() => {
  // A poll interval far beyond the test: only the cross-thread wake-up can start the job in time.
  dir = useTempDataDir({ T2I_JOB_POLL_MS: "600000" });
});
afterEach(async () => {
  await stopScoringThread();
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

  it("holds the process's only evaluator: the queue loop and /metrics batches share its sessions", async () => {
    const stop = startQueueThread("test-thread-2");
    try {
      const { run } = await createRun(await makeRunInput(dir, { perPrompt: 2 }));
      const png = path.join(dir, "m.png");
      await sharp({ create: { width: 40, height: 40, channels: 3, background: "#c33" } })
        .png()
        .toFile(png);
      const report = await scoreOffThread([{ file: "m.png", prompt: "a red square", path: png }]);
      expect(report.items[0]!.error).toBeUndefined();
      await expect
        .poll(() => getDb().select({ status: runs.status }).from(runs).where(eq(runs.id, run.id)).get()!.status, {
          timeout: 60_000,
        })
        .toBe("scored");
      const s = await stats();
      expect(s.workingQueue).toBe(true);
      expect(s.evaluators).toHaveLength(1);
      // One session per tower, once: the /metrics batch reused the queue loop's evaluator.
      expect(s.sessions).toBe(2);
      expect(sessionsOpenedInThisThread()).toBe(0);
      expect(fs.existsSync(png)).toBe(true);
    } finally {
      stop();
    }
  }, 120_000);
});
