// Entry of the worker thread that computes boards (started by board-store.ts): loads a board's
// inputs and its default ranking from its own read-only connection, in one read transaction so
// the fingerprint and the inputs describe the same snapshot, and posts them back. The server's
// request thread never runs this computation for a costly board.
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { parentPort } from "node:worker_threads";
import type { Db } from "../../db/client";
import * as schema from "../../db/schema";
import { rankVariants, type RankingOptions } from "../ranking";
import { lowerThisThreadsPriority } from "../core/threads";
import { boardFingerprint, loadBoardInputs, type BoardScope } from "./board-inputs";

export type BoardJob = { id: number; file: string; scope: BoardScope; options: RankingOptions };

if (!parentPort) throw new Error("board-thread.ts runs as a worker thread");
const port = parentPort;
lowerThisThreadsPriority();
const connections = new Map<string, Db>();

function open(file: string): Db {
  let db = connections.get(file);
  if (!db) {
    const sqlite = new Database(file, { readonly: true, fileMustExist: true });
    sqlite.pragma("busy_timeout = 5000");
    db = drizzle(sqlite, { schema }) as Db;
    connections.set(file, db);
  }
  return db;
}

port.on("message", (job: BoardJob) => {
  try {
    const t0 = performance.now();
    const db = open(job.file);
    const { fingerprint, inputs } = db.$client.transaction(() => ({
      fingerprint: boardFingerprint(db, job.scope),
      inputs: loadBoardInputs(db, job.scope),
    }))();
    const ranking = inputs.inputs.length ? rankVariants(inputs.inputs, job.options) : null;
    port.postMessage({ id: job.id, ok: true, fingerprint, inputs, ranking, costMs: performance.now() - t0 });
  } catch (e) {
    port.postMessage({ id: job.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
