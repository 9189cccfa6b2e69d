// For the retry and re-score specs: uploads of unique batches, and run states that the e2e
// server cannot reach by itself in a test's time, written straight into its database (a run
// whose scoring failed for good; a run scored by an evaluator other than the installed one).
import path from "node:path";
import Database from "better-sqlite3";
import { expect, type APIRequestContext } from "@playwright/test";
import { zipBuffer } from "../tools/test-support/uploads";
import { auth, E2E_DATA_DIR, makeSamples, manifestJsonl } from "./helpers";

/** Uploads prompts × 2 unique samples as a run of `variant` at `guidance`; returns the 202 answer. */
export async function uploadBatch(
  request: APIRequestContext,
  opts: { variant: string; guidance: number; prompts: string[]; salt?: number },
) {
  const samples = await makeSamples(opts.prompts, 2, opts.salt);
  const zip = await zipBuffer([
    { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
    ...samples.map((s) => ({ name: s.name, data: s.data })),
  ]);
  const fd = new FormData();
  for (const [k, v] of Object.entries({
    variant: opts.variant,
    guidanceScale: String(opts.guidance),
    conditioningType: "text_sequence",
  }))
    fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
  const res = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
  return { res, zip };
}

export async function waitStatus(request: APIRequestContext, id: string, status: string) {
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${id}`)).json()).status, {
      timeout: 60_000,
      intervals: [250, 500, 1000],
    })
    .toBe(status);
  return (await request.get(`/api/v1/runs/${id}`)).json();
}

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(E2E_DATA_DIR, "t2i.sqlite"));
  db.pragma("busy_timeout = 10000");
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A scored run's job and the run itself end failed, as after three crashed workers. */
export function markFailed(runId: string, reason = "gave up after 3 attempts: e2e"): void {
  withDb((db) =>
    db.transaction(() => {
      db.prepare("update jobs set status = 'failed', last_error = ? where run_id = ?").run(reason, runId);
      db.prepare("update runs set status = 'failed', error = ? where id = ?").run(reason, runId);
    })(),
  );
}

/** Moves a scored run's scores to evaluator `id` (registered here), as if another model had scored it. */
export function moveScoresToEvaluator(runId: string, id: string): void {
  withDb((db) =>
    db.transaction(() => {
      const from = (db.prepare("select evaluator_id as e from runs where id = ?").get(runId) as { e: string }).e;
      db.prepare(
        "insert or ignore into evaluators (id, name, variant, is_fixture, files) values (?, 'e2e/other-clip', 'fp32', 0, '[]')",
      ).run(id);
      db.prepare("update run_scores set evaluator_id = ? where run_id = ? and evaluator_id = ?").run(id, runId, from);
      db.prepare("update prompt_scores set evaluator_id = ? where run_id = ? and evaluator_id = ?").run(
        id,
        runId,
        from,
      );
      db.prepare(
        "update sample_scores set evaluator_id = ? where evaluator_id = ? and sample_id in (select id from samples where run_id = ?)",
      ).run(id, from, runId);
      db.prepare("update runs set evaluator_id = ? where id = ?").run(id, runId);
    })(),
  );
}
