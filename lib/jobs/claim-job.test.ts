import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { createRun } from "../runs/create-run";
import { makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { claimJob } from "./claim-job";
import { completeJob } from "./complete-job";
import { failJob } from "./fail-job";
import { heartbeat } from "./heartbeat";
import { releaseJob } from "./release-job";
import { TEST_ENTRY_POINTS } from "../../tools/test-support/entry-points";

let dir: string;
let runId: string;
beforeEach(async () => {
  dir = useTempDataDir();
  runId = (await createRun(await makeRunInput(dir, { perPrompt: 1 }))).run.id;
});
afterEach(() => removeDataDir(dir));

const job = (id: number) => getDb().select().from(jobs).where(eq(jobs.id, id)).get()!;
const run = () => getDb().select().from(runs).where(eq(runs.id, runId)).get()!;
const T0 = 1_700_000_000_000;

describe("claimJob / heartbeat / lease expiry", () => {
  it("hands the queued job to one worker with a lease, and nothing to the next", () => {
    const a = claimJob("a", 1000, T0)!;
    expect(a).toMatchObject({ status: "running", leaseOwner: "a", attempts: 1 });
    expect(a.leaseExpiresAt!.getTime()).toBe(T0 + 1000);
    expect(claimJob("b", 1000, T0 + 999)).toBeUndefined();
  });

  it("extends the lease only for its owner, and an expired lease goes to the next worker", () => {
    const a = claimJob("a", 1000, T0)!;
    expect(heartbeat(a.id, "b", 1000)).toBe(false);
    expect(heartbeat(a.id, "a", 60_000)).toBe(true);
    expect(job(a.id).leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(claimJob("b", 1000)).toBeUndefined();

    // a stops heartbeating; once its lease has run out b takes over and a can no longer renew.
    const later = Date.now() + 61_000;
    const b = claimJob("b", 1000, later)!;
    expect(b).toMatchObject({ id: a.id, leaseOwner: "b", attempts: 2 });
    expect(heartbeat(a.id, "a")).toBe(false);
    expect(() => completeJob(a.id, "a")).toThrow(/no longer holds the lease/);
    completeJob(b.id, "b");
    expect(job(a.id)).toMatchObject({ status: "done", leaseOwner: null });
    expect(claimJob("c", undefined, later + 10_000_000)).toBeUndefined();
  });

  it("fails the job and its run once the lease has expired on the last attempt", () => {
    let now = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(claimJob(`w${attempt}`, 1000, now)).toMatchObject({ attempts: attempt });
      now += 1001;
    }
    expect(claimJob("w4", 1000, now)).toBeUndefined();
    expect(job(1)).toMatchObject({ status: "failed", attempts: 3 });
    expect(job(1).lastError).toMatch(/gave up after 3 attempts/);
    expect(run()).toMatchObject({ status: "failed" });
    expect(run().error).toMatch(/gave up after 3 attempts/);
  });

  it("requeues a failed attempt while attempts remain, then fails the run with the last error", () => {
    const a = claimJob("a")!;
    expect(failJob(a.id, "b", "not mine")).toBe("not_owner");
    expect(failJob(a.id, "a", "ENOSPC")).toBe("requeued");
    expect(job(a.id)).toMatchObject({ status: "queued", lastError: "ENOSPC", leaseOwner: null });
    claimJob("a");
    expect(failJob(a.id, "a", "ENOSPC again", { retry: false })).toBe("failed");
    expect(run()).toMatchObject({ status: "failed", error: "failed after 2 attempts: ENOSPC again" });
  });

  it("hands a job back without using up an attempt when its worker stops on request", () => {
    const a = claimJob("a")!;
    expect(releaseJob(a.id, "b")).toBe(false);
    expect(releaseJob(a.id, "a")).toBe(true);
    expect(job(a.id)).toMatchObject({ status: "queued", attempts: 0, leaseOwner: null });
    expect(claimJob("b")).toMatchObject({ id: a.id, attempts: 1 });
  });

  it("never gives one job to two of several processes claiming at the same time", async () => {
    const db = getDb();
    const N = 400;
    db.insert(jobs)
      .values(Array.from({ length: N - 1 }, () => ({ kind: "score_run" as const, runId })))
      .run();
    const children = ["c1", "c2", "c3", "c4"].map((id) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.resolve(TEST_ENTRY_POINTS.claimerProcess), id], {
        env: process.env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      const ready = new Promise<void>((resolve) => child.stdout.on("data", () => out.includes("ready") && resolve()));
      const done = new Promise<number[]>((resolve, reject) =>
        child.on("exit", (code) =>
          code === 0
            ? resolve(JSON.parse(out.trim().split("\n").pop()!) as number[])
            : reject(new Error(`claimer ${id} exited ${code}`)),
        ),
      );
      return { ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    fs.writeFileSync(path.join(dir, "go"), "");
    const claimed = await Promise.all(children.map((c) => c.done));
    const all = claimed.flat();
    expect(all).toHaveLength(N);
    expect(new Set(all).size).toBe(N);
    // More than one process got work, so they really were competing.
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    expect(db.select().from(jobs).where(eq(jobs.status, "queued")).all()).toEqual([]);
  });
});
