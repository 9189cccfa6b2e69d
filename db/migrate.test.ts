import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeDataDir, useTempDataDir } from "../tools/test-support/runs";
import { closeDb, getDb } from "./client";
import { migrate, pendingMigrations } from "./migrate";
import { ENTRY_POINTS } from "../lib/core/entry-points";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
  closeDb();
  fs.rmSync(path.join(dir, "t2i.sqlite"), { force: true });
});
afterEach(() => removeDataDir(dir));

const TABLES = [
  "api_keys",
  "audit_log",
  "embeddings",
  "evaluators",
  "generation_tasks",
  "generations",
  "images",
  "jobs",
  "prompt_scores",
  "prompt_set_levels",
  "prompt_sets",
  "prompts",
  "reference_images",
  "reference_scores",
  "reference_sets",
  "run_scores",
  "runs",
  "sample_scores",
  "samples",
  "storage_claims",
  "variants",
  "worker_tokens",
];

/** A copy of the migrations folder holding only the first `n` migrations. */
function firstMigrations(n: number): string {
  const out = path.join(dir, `migrations-${n}`);
  fs.mkdirSync(path.join(out, "meta"), { recursive: true });
  const journal = JSON.parse(fs.readFileSync("db/migrations/meta/_journal.json", "utf8")) as {
    entries: { tag: string }[];
  };
  journal.entries = journal.entries.slice(0, n);
  for (const e of journal.entries) fs.copyFileSync(`db/migrations/${e.tag}.sql`, path.join(out, `${e.tag}.sql`));
  fs.writeFileSync(path.join(out, "meta/_journal.json"), JSON.stringify(journal));
  return out;
}

function runScript(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(script)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("migrations", () => {
  it("create every table on an empty database, once", () => {
    const db = getDb();
    expect(pendingMigrations(db)).toBeGreaterThan(0);
    migrate();
    expect(pendingMigrations(db)).toBe(0);
    const tables = db.$client
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(TABLES);
    migrate();
    expect(db.$client.prepare("select count(*) from __drizzle_migrations").pluck().get()).toBe(
      fs.readdirSync("db/migrations").filter((f) => f.endsWith(".sql")).length,
    );
  });

  it("keep every row when upgrading a database that holds data (the runs table is rebuilt)", () => {
    const db = getDb();
    const c = db.$client;
    migrate(db, firstMigrations(1));
    c.exec(`
      insert into api_keys(id, name, key_hash, prefix) values ('key_1', 'k', 'h', 't2i_x');
      insert into variants(id, name, conditioning_type) values ('var_1', 'v', 'other');
      insert into prompt_sets(id, name) values ('ps_1', 's');
      insert into prompts(prompt_set_id, prompt_key, text, position) values ('ps_1', 'p1', 'a red square', 0);
      insert into images(sha256, bytes, format, width, height) values ('${"a".repeat(64)}', 10, 'png', 8, 8);
      insert into evaluators(id, name, variant, is_fixture, files) values ('ev_1', 'clip', 'fp32', 1, '[]');
      insert into runs(id, variant_id, prompt_set_id, guidance_scale, source, status, fingerprint, evaluator_id, progress_done, progress_total)
        values ('run_1', 'var_1', 'ps_1', 3, 'uploaded', 'scored', 'f1', 'ev_1', 1, 1), ('run_2', 'var_1', 'ps_1', 5, 'uploaded', 'queued', 'f2', null, 0, 1);
      insert into samples(run_id, prompt_id, seed, sample_index, image_sha256, width, height, file_name) values ('run_1', 1, 7, 0, '${"a".repeat(64)}', 8, 8, 'a.png'), ('run_2', 1, 7, 0, '${"a".repeat(64)}', 8, 8, 'a.png');
      insert into jobs(kind, run_id, status) values ('score_run', 'run_1', 'done'), ('score_run', 'run_2', 'queued');
      insert into sample_scores(sample_id, evaluator_id, cosine, metric_version) values (1, 'ev_1', 0.3, 1);
      insert into prompt_scores(run_id, prompt_id, evaluator_id, n, failed, metric_versions) values ('run_1', 1, 'ev_1', 1, 0, '{}');
      insert into run_scores(run_id, evaluator_id, n, failed, groups, diversity_groups, ci, metric_versions) values ('run_1', 'ev_1', 1, 0, 1, 0, '{}', '{}');
    `);
    const count = (t: string) => c.prepare(`select count(*) from ${t}`).pluck().get();
    const before = Object.fromEntries(
      ["runs", "samples", "jobs", "sample_scores", "prompt_scores", "run_scores", "images", "prompts"].map((t) => [
        t,
        count(t),
      ]),
    );

    migrate(db);
    expect(pendingMigrations(db)).toBe(0);
    expect(Object.fromEntries(Object.keys(before).map((t) => [t, count(t)]))).toEqual(before);
    expect(
      c
        .prepare(
          "select id, status, generated_done, generated_total, generation_id, evaluator_id from runs order by id",
        )
        .all(),
    ).toEqual([
      {
        id: "run_1",
        status: "scored",
        generated_done: 0,
        generated_total: 0,
        generation_id: null,
        evaluator_id: "ev_1",
      },
      { id: "run_2", status: "queued", generated_done: 0, generated_total: 0, generation_id: null, evaluator_id: null },
    ]);
    expect(c.pragma("foreign_key_check")).toEqual([]);
    expect(c.pragma("foreign_keys", { simple: true })).toBe(1);
    // The rebuilt table keeps its indexes and now allows `generating`, and still refuses unknown statuses.
    expect(
      c
        .prepare(
          "select name from sqlite_master where type = 'index' and tbl_name = 'runs' and name like 'runs_%' order by name",
        )
        .pluck()
        .all(),
    ).toEqual([
      "runs_created_at_idx",
      "runs_fingerprint_uq",
      "runs_generation_idx",
      "runs_prompt_set_created_idx",
      "runs_status_created_idx",
      "runs_variant_created_idx",
      "runs_variant_replicate_idx",
    ]);
    c.exec("update runs set status = 'generating' where id = 'run_2'");
    expect(() => c.exec("update runs set status = 'dancing' where id = 'run_2'")).toThrow(/CHECK constraint failed/);
    // Cascades still work after the rebuild.
    c.exec("delete from runs where id = 'run_1'");
    expect(count("samples")).toBe(1);
    expect(count("run_scores")).toBe(0);
  });

  it("open the database with WAL, foreign keys, a busy timeout and synchronous=NORMAL", () => {
    const c = getDb().$client;
    expect(c.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(c.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(c.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(c.pragma("synchronous", { simple: true })).toBe(1);
    expect(getDb()).toBe(getDb());
  });

  it("succeed when several processes migrate the same new database at once", async () => {
    const results = await Promise.all([1, 2, 3].map(() => runScript(ENTRY_POINTS.migrate)));
    for (const r of results) expect(r.code, r.out).toBe(0);
    expect(pendingMigrations(getDb())).toBe(0);
  });

  it("exit non-zero with the reason when the database cannot be migrated", async () => {
    fs.writeFileSync(
      path.join(dir, "t2i.sqlite"),
      "this is not a database, just text that is long enough to be read as a header",
    );
    const r = await runScript(ENTRY_POINTS.migrate);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/migration failed: .*not a database/);
  });
});
