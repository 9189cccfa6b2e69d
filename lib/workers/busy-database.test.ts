// Another process holds SQLite's write lock longer than the busy timeout (a `sqlite3` shell, a
// backup, a long re-score): the scoring loop waits it out and scores the queued run afterwards,
// instead of dying with SQLITE_BUSY; a request's write answers 503 with Retry-After, not 500.
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { config } from "../core/config";
import { isBusyError, retryWhileBusy } from "../core/sqlite-busy";
import { createRun } from "../runs/create-run";
import { toAppError } from "../http/respond";
import { holdWriteLock } from "../../tools/test-support/lock-holder";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { waitFor } from "../../tools/test-support/worker-process";
import type { LoopReport } from "./loop-status";
import { startWorker } from "./run-worker";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  // A short busy timeout, so the loop meets SQLITE_BUSY several times while the lock is held.
  dir = useTempDataDir({ T2I_DB_BUSY_TIMEOUT_MS: "200" });
});
afterEach(() => {
  delete process.env.T2I_DB_BUSY_TIMEOUT_MS;
  removeDataDir(dir);
});

const runStatus = (id: string) => getDb().select().from(runs).where(eq(runs.id, id)).get()!.status;

describe("a busy database", () => {
  it("the scoring loop survives another process holding the write lock, then scores the queued run", async () => {
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 2 }));
    const lock = await holdWriteLock(config().dbPath, 3000);
    const reports: LoopReport[] = [];
    const lines: string[] = [];
    const stop = new AbortController();
    let died: unknown;
    const worker = startWorker({
      evaluator: ev,
      workerId: "w",
      pollMs: 20,
      signal: stop.signal,
      log: (l) => lines.push(l),
      onStatus: (r) => reports.push(r),
    }).catch((e: unknown) => (died = e));
    try {
      await lock.released;
      await waitFor(
        "the run to be scored after the lock",
        () => died !== undefined || runStatus(run.id) === "scored",
        60_000,
      );
      expect(died).toBeUndefined();
      expect(runStatus(run.id)).toBe("scored");
      expect(reports.some((r) => r.state === "database_busy")).toBe(true);
      expect(lines.some((l) => /database busy while claiming a job/.test(l))).toBe(true);
      // Waiting for the lock used no attempt.
      expect(getDb().select().from(jobs).get()).toMatchObject({ status: "done", attempts: 1 });
    } finally {
      stop.abort();
      await worker;
      lock.kill();
    }
  }, 90_000);

  it("a job that meets the lock while scoring is handed back without using an attempt, and finishes later", async () => {
    const { run } = await createRun(await makeRunInput(dir, { perPrompt: 4 }));
    const lines: string[] = [];
    const stop = new AbortController();
    // A second connection takes the lock the moment the job is claimed, so the handler's first write meets it.
    const other = new Database(config().dbPath);
    let locked = false;
    let died: unknown;
    const worker = startWorker({
      evaluator: ev,
      workerId: "w",
      pollMs: 20,
      chunkSize: 2,
      signal: stop.signal,
      log: (l) => lines.push(l),
      onStatus: (r) => {
        if (r.state !== "working" || locked) return;
        locked = true;
        other.exec("BEGIN EXCLUSIVE");
        setTimeout(() => other.exec("COMMIT"), 1500);
      },
    }).catch((e: unknown) => (died = e));
    try {
      await waitFor("the run to be scored", () => died !== undefined || runStatus(run.id) === "scored", 60_000);
      expect(died).toBeUndefined();
      expect(lines.some((l) => /handed back to the queue without using an attempt/.test(l))).toBe(true);
      // Claimed twice (before and after the lock), the first claim handed back: one attempt used.
      expect(lines.filter((l) => /^claimed job 1 /.test(l))).toHaveLength(2);
      expect(getDb().select().from(jobs).get()).toMatchObject({ status: "done", attempts: 1 });
    } finally {
      stop.abort();
      await worker;
      other.close();
    }
  }, 90_000);

  it("a request's write that meets the lock answers 503 with Retry-After, not 500", async () => {
    const lock = await holdWriteLock(config().dbPath, 1500);
    try {
      let err: unknown;
      try {
        getDb().transaction(() => undefined, { behavior: "immediate" });
      } catch (e) {
        err = e;
      }
      expect(isBusyError(err)).toBe(true);
      const app = toAppError(err);
      expect(app.status).toBe(503);
      expect(app.headers).toMatchObject({ "Retry-After": expect.stringMatching(/^\d+$/) });
      expect(app.details).toMatchObject({ reason: "database_busy" });
    } finally {
      await lock.released;
    }
  }, 30_000);

  it("retryWhileBusy waits out the lock asynchronously and gives up after maxWaitMs", async () => {
    const lock = await holdWriteLock(config().dbPath, 1500);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      await expect(
        retryWhileBusy(() => getDb().transaction(() => 1, { behavior: "immediate" }), { maxWaitMs: 300 }),
      ).rejects.toSatisfy(isBusyError);
      const ok = await retryWhileBusy(() => getDb().transaction(() => 2, { behavior: "immediate" }), {
        maxWaitMs: 20_000,
      });
      expect(ok).toBe(2);
      // The event loop kept running while it waited (timers fired between attempts).
      expect(ticks).toBeGreaterThan(5);
    } finally {
      clearInterval(ticker);
      await lock.released;
    }
  }, 30_000);
});
