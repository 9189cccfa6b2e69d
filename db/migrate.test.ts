import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeDataDir, useTempDataDir } from "../lib/runs/test-helpers";
import { closeDb, getDb } from "./client";
import { migrate, pendingMigrations } from "./migrate";

let dir: string;
beforeEach(() => {
  dir = useTempDataDir();
  closeDb();
  fs.rmSync(path.join(dir, "t2i.sqlite"), { force: true });
});
afterEach(() => removeDataDir(dir));

const TABLES = ["api_keys", "embeddings", "evaluators", "images", "jobs", "prompt_scores", "prompt_sets", "prompts", "run_scores", "runs", "sample_scores", "samples", "variants"];

function runScript(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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
    const tables = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name").pluck().all();
    expect(tables).toEqual(TABLES);
    migrate();
    expect(db.$client.prepare("select count(*) from __drizzle_migrations").pluck().get()).toBe(fs.readdirSync("db/migrations").filter((f) => f.endsWith(".sql")).length);
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
    const results = await Promise.all([1, 2, 3].map(() => runScript("scripts/migrate.ts")));
    for (const r of results) expect(r.code, r.out).toBe(0);
    expect(pendingMigrations(getDb())).toBe(0);
  });

  it("exit non-zero with the reason when the database cannot be migrated", async () => {
    fs.writeFileSync(path.join(dir, "t2i.sqlite"), "this is not a database, just text that is long enough to be read as a header");
    const r = await runScript("scripts/migrate.ts");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/migration failed: .*not a database/);
  });
});
