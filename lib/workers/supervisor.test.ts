// The web server's scoring thread is supervised: when it dies it is started again after a pause,
// the restarts are counted, and /api/v1/health's report says scoring has stopped meanwhile.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobs } from "../../db/schema";
import { getDb } from "../../db/client";
import { TEST_ENTRY_POINTS } from "../../tools/test-support/entry-points";
import { createRun } from "../runs/create-run";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { waitFor } from "../../tools/test-support/worker-process";
import { recordLoopReport, scoringLoops } from "./loop-status";
import { scoringHealth } from "./scoring-health";
import { startQueueThread } from "./start-queue-thread";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
  scoringLoops().clear();
});
afterEach(() => {
  delete process.env.T2I_SCORING_STALL_MS;
  scoringLoops().clear();
  removeDataDir(dir);
});

describe("the scoring thread's supervisor", () => {
  it("restarts a thread that dies, counts the restarts, and health says scoring stopped meanwhile", async () => {
    const lines: string[] = [];
    const stop = startQueueThread("dying", {
      entry: TEST_ENTRY_POINTS.dyingQueueThread,
      backoffMs: [200, 400],
      log: (l) => lines.push(l),
    });
    try {
      const restarted = await waitFor("two restarts", () => (scoringLoops().get("dying")?.restarts ?? 0) >= 2, 60_000);
      expect(restarted).toBe(true);
      expect(lines.some((l) => /the scoring loop blew up/.test(l) && /restart 1 in 200 ms/.test(l))).toBe(true);
      // Between a death and its restart, health reports scoring as stopped, with the reason.
      const during = await waitFor(
        "health during a restart pause",
        () => {
          const h = scoringHealth();
          return h.status === "stopped" ? h : undefined;
        },
        30_000,
      );
      expect(during.reasons.join(" ")).toMatch(/died and is being restarted/);
      expect(during.loops[0]).toMatchObject({ id: "dying", restarts: expect.any(Number) });
    } finally {
      stop();
    }
    await waitFor("the loop to be stopped", () => scoringLoops().get("dying")?.state === "stopped", 10_000);
  }, 90_000);
});

describe("scoringHealth", () => {
  it("is ok for a loop that reports, stopped for one that went silent or keeps failing", () => {
    const now = Date.now();
    recordLoopReport("web", { state: "idle", at: now - 1000 });
    expect(scoringHealth(now)).toMatchObject({ status: "ok", reasons: [] });
    // Waiting out another process's lock is alive: reported, not stopped.
    recordLoopReport("web", { state: "database_busy", at: now, error: "SQLITE_BUSY" });
    expect(scoringHealth(now)).toMatchObject({ status: "ok", loops: [{ state: "database_busy" }] });
    expect(scoringHealth(now + 11 * 60_000).reasons.join(" ")).toMatch(/has not reported for 660 s/);
    recordLoopReport("web", { state: "failing", at: now, error: "disk I/O error" });
    expect(scoringHealth(now)).toMatchObject({
      status: "stopped",
      reasons: [expect.stringMatching(/disk I\/O error/)],
    });
  });

  it("without a loop here, work queued for longer than T2I_SCORING_STALL_MS with no live lease means stopped", async () => {
    await createRun(await makeRunInput(dir, { perPrompt: 1 }));
    process.env.T2I_INPROCESS_WORKER = "0";
    process.env.T2I_SCORING_STALL_MS = "60000";
    const { resetConfigForTests } = await import("../core/config");
    resetConfigForTests();
    try {
      const queuedAt = getDb().select().from(jobs).get()!.updatedAt.getTime();
      expect(scoringHealth(queuedAt + 30_000)).toMatchObject({ status: "ok", queue: { queued: 1 } });
      const stalled = scoringHealth(queuedAt + 61_000);
      expect(stalled.status).toBe("stopped");
      expect(stalled.reasons[0]).toMatch(/1 job\(s\) queued, the oldest for 61 s, and no worker holds a job/);
      expect(stalled.queue.queuedByLane).toEqual({ scoring: 1 });
    } finally {
      delete process.env.T2I_INPROCESS_WORKER;
      resetConfigForTests();
    }
  });
});
