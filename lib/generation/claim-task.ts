// Hands a GPU worker the next generation task of a variant it declared: a task whose lease
// expired first, else the oldest queued one (requests in order; within one, run by run). One
// IMMEDIATE transaction takes SQLite's write lock before re-reading, so two workers (in any
// processes) never get the same task; a cheap read without the lock comes first, so idle
// workers polling an empty queue do not queue up for the write lock. A task whose attempts
// are used up fails with its run instead of being handed out again; one whose run failed or
// whose generation was cancelled while a worker held it is cancelled; one whose samples are
// all stored already is done. So a claimed task always has at least one sample to make.
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { generations, generationTasks, runs, variants, type GenerationTaskRow } from "../../db/schema";
import { config } from "../core/config";
import { failGeneratedRun, settleGeneration, settleRun, taskFailureReason } from "./settle-generation";
import { storedIndices, taskView, type Task } from "./task-view";

export type ClaimOptions = { leaseMs?: number; /** For tests that move the clock instead of waiting. */ now?: number };

export function claimTask(
  tokenId: string,
  declaredVariants: readonly string[],
  opts: ClaimOptions = {},
): Task | undefined {
  const leaseMs = opts.leaseMs ?? config().genLeaseMs;
  const now = opts.now ?? Date.now();
  const db = getDb();
  if (declaredVariants.length === 0) return undefined;
  const variantIds = db
    .select({ id: variants.id })
    .from(variants)
    .where(inArray(variants.name, [...new Set(declaredVariants)]))
    .all()
    .map((v) => v.id);
  if (variantIds.length === 0 || !nextCandidate(db, variantIds, now)) return undefined;

  return db.transaction(
    (tx) => {
      for (;;) {
        const task = nextCandidate(tx, variantIds, now);
        if (!task) return undefined;
        const g = tx
          .select({ status: generations.status })
          .from(generations)
          .where(eq(generations.id, task.generationId))
          .get()!;
        const run = tx.select({ status: runs.status }).from(runs).where(eq(runs.id, task.runId)).get()!;
        if (g.status === "cancelled" || run.status !== "generating") {
          // Only a task whose lease ran out gets here: queued ones were cancelled with their run or generation.
          tx.update(generationTasks)
            .set({ status: "cancelled", leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date(now) })
            .where(eq(generationTasks.id, task.id))
            .run();
          settleGeneration(tx, task.generationId, now);
          continue;
        }
        if (storedIndices(tx, task).length === task.sampleTo - task.sampleFrom) {
          // An earlier worker uploaded everything but vanished before completing: nothing is left to generate.
          tx.update(generationTasks)
            .set({ status: "done", leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date(now) })
            .where(eq(generationTasks.id, task.id))
            .run();
          settleRun(tx, task.runId);
          settleGeneration(tx, task.generationId, now);
          continue;
        }
        if (task.attempts >= task.maxAttempts) {
          giveUp(tx, task, now);
          continue;
        }
        const claimed = tx
          .update(generationTasks)
          .set({
            status: "running",
            leaseOwner: tokenId,
            leaseExpiresAt: new Date(now + leaseMs),
            heartbeatAt: new Date(now),
            attempts: task.attempts + 1,
          })
          .where(eq(generationTasks.id, task.id))
          .returning()
          .get();
        tx.update(generations)
          .set({ status: "running", startedAt: sql`coalesce(${generations.startedAt}, ${now})` })
          .where(and(eq(generations.id, task.generationId), eq(generations.status, "queued")))
          .run();
        tx.update(runs)
          .set({ startedAt: sql`coalesce(${runs.startedAt}, ${now})` })
          .where(eq(runs.id, task.runId))
          .run();
        return taskView(tx, claimed);
      }
    },
    { behavior: "immediate" },
  );
}

function nextCandidate(db: DbOrTx, variantIds: string[], now: number): GenerationTaskRow | undefined {
  const expired = db
    .select({ task: generationTasks })
    .from(generationTasks)
    .innerJoin(generations, eq(generations.id, generationTasks.generationId))
    .where(
      and(
        eq(generationTasks.status, "running"),
        lte(generationTasks.leaseExpiresAt, new Date(now)),
        inArray(generations.variantId, variantIds),
      ),
    )
    .orderBy(asc(generationTasks.leaseExpiresAt))
    .limit(1)
    .get();
  if (expired) return expired.task;
  return db
    .select({ task: generationTasks })
    .from(generationTasks)
    .innerJoin(generations, eq(generations.id, generationTasks.generationId))
    .where(and(eq(generationTasks.status, "queued"), inArray(generations.variantId, variantIds)))
    .orderBy(asc(generationTasks.createdAt), asc(generationTasks.generationId), asc(generationTasks.position))
    .limit(1)
    .get()?.task;
}

/** The task failed (or its workers vanished) `maxAttempts` times: it fails, and so does its run. */
function giveUp(tx: DbOrTx, task: GenerationTaskRow, now: number): void {
  const how =
    task.status === "running"
      ? `the last worker (token ${task.leaseOwner}) stopped without finishing${task.lastError ? `; last error: ${task.lastError}` : ""}`
      : (task.lastError ?? "unknown error");
  const reason = taskFailureReason(tx, task, how);
  tx.update(generationTasks)
    .set({ status: "failed", lastError: how, leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date(now) })
    .where(eq(generationTasks.id, task.id))
    .run();
  failGeneratedRun(tx, task.runId, reason, now);
  settleGeneration(tx, task.generationId, now);
}

/**
 * The long poll behind POST /api/v1/worker/claim: tries to claim every `pollMs` until a task
 * comes or `waitSeconds` (capped at MAX_WAIT_SECONDS) have passed; `signal` (the request
 * going away) ends the wait early.
 */
export async function claimTaskWaiting(opts: {
  tokenId: string;
  variants: readonly string[];
  waitSeconds: number;
  signal?: AbortSignal;
  pollMs?: number;
  leaseMs?: number;
}): Promise<Task | undefined> {
  const pollMs = opts.pollMs ?? config().genClaimPollMs;
  const deadline = Date.now() + Math.min(Math.max(opts.waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  for (;;) {
    const task = claimTask(opts.tokenId, opts.variants, { leaseMs: opts.leaseMs });
    if (task) return task;
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal?.aborted) return undefined;
    await sleep(Math.min(pollMs, left), opts.signal);
  }
}

export const MAX_WAIT_SECONDS = 30;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
