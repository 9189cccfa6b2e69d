// The PostgreSQL side of the one schema source, against a real PostgreSQL 15+ started by the test
// (tools/test-support/services/postgres.ts): db/migrations-pg applies (once, even from two
// processes' worth of concurrent callers), and rows written through the schema's PostgreSQL
// tables read back as the SQLite ones do: Dates, booleans, JSON, Buffers, doubles, identity ids.
import { asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { migratePostgres, pendingPostgresMigrations } from "./migrate-postgres";
import { config } from "../lib/core/config";
import { postgresBinDir, startPostgres, type Postgres } from "../tools/test-support/services/postgres";

type Schema = typeof import("./schema/index");

const available = postgresBinDir() !== undefined;
// CI installs PostgreSQL (the global setup); only a developer's machine without it skips.
describe.skipIf(!available && !config().ci)("the PostgreSQL schema (db/migrations-pg)", () => {
  let server: Postgres;
  let pool: pg.Pool;
  let schema: Schema;
  beforeAll(async () => {
    server = await startPostgres();
    pool = new pg.Pool({ connectionString: server.url });
    vi.resetModules();
    vi.stubEnv("T2I_DATABASE_URL", server.url);
    schema = await import("./schema/index");
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.resetModules();
    await pool?.end();
    await server?.stop();
  });

  it("applies every migration once, also to callers that race", async () => {
    const applied = await Promise.all([migratePostgres(server.url), migratePostgres(server.url)]);
    expect(applied.sort()).toEqual([0, 1]);
    expect(await migratePostgres(server.url)).toBe(0);
    expect(await pendingPostgresMigrations(server.url)).toBe(0);
    const tables = await pool.query<{ n: string }>(
      "select count(*) as n from information_schema.tables where table_schema = 'public'",
    );
    expect(Number(tables.rows[0]!.n)).toBe(22);
  });

  it("round-trips every kind of column as the SQLite tables do", async () => {
    // The schema is typed as SQLite's (column-helpers.ts); this PostgreSQL client reads it untyped.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db: any = drizzle(pool, { schema: schema as never });
    const { evaluators, embeddings, variants, promptSets, prompts, runs, jobs, generations } = schema;
    const files = [{ path: "onnx/vision_model.onnx", sha256: "a".repeat(64) }];
    await db.insert(evaluators).values({ id: "clip@1", name: "clip", variant: "fp32", isFixture: true, files });
    const ev = (await db.select().from(evaluators))[0]!;
    expect(ev).toMatchObject({ isFixture: true, files });
    expect(ev.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(ev.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const vector = Buffer.from(new Float32Array([0.25, -1.5, 3]).buffer);
    await db.insert(embeddings).values({ kind: "image", key: "b".repeat(64), evaluatorId: "clip@1", vector, dim: 3 });
    const emb = (await db.select().from(embeddings))[0]!;
    expect(Buffer.compare(emb.vector, vector)).toBe(0);
    expect(emb.truncated).toBeNull();

    await db
      .insert(variants)
      .values({ id: "var_1", name: "v", conditioningType: "text_sequence", links: ["https://x"] });
    await db.insert(promptSets).values({ id: "ps_1", name: "set", isImplicit: false });
    const [prompt] = await db
      .insert(prompts)
      .values({ promptSetId: "ps_1", position: 0, text: "a cat", promptKey: "k" })
      .returning();
    expect(typeof prompt!.id).toBe("number");
    const hidden = new Date(1_700_000_000_123);
    await db.insert(runs).values({
      id: "run_1",
      variantId: "var_1",
      promptSetId: "ps_1",
      guidanceScale: 7.123456789012345,
      source: "uploaded",
      fingerprint: "f",
      hiddenAt: hidden,
    });
    const run = (await db.select().from(runs).where(eq(runs.id, "run_1")))[0]!;
    expect(run).toMatchObject({ guidanceScale: 7.123456789012345, isDemo: false, status: "queued", progressDone: 0 });
    expect(run.hiddenAt).toEqual(hidden);
    // Raw SQL on milliseconds means the same as on SQLite.
    const raw = await db.execute(sql`select ${runs.hiddenAt} + 1000 as later from ${runs}`);
    const later = (raw.rows as { later: string }[])[0]!.later;
    expect(Number(later)).toBe(hidden.getTime() + 1000);

    // Identity ids count up from 1, like SQLite's autoincrement; CHECK constraints hold.
    const ids = await db
      .insert(jobs)
      .values([
        { kind: "score_run", runId: "run_1" },
        { kind: "score_run", runId: "run_1" },
      ])
      .returning({ id: jobs.id });
    expect(ids.map((r: { id: number }) => r.id)).toEqual([1, 2]);
    await expect(db.insert(jobs).values({ kind: "nope", runId: "run_1" })).rejects.toMatchObject({
      cause: { constraint: "jobs_kind_ck" },
    });
    expect((await db.select({ id: jobs.id }).from(jobs).orderBy(asc(jobs.id))).length).toBe(2);

    // A seed past 2^31 fits (bigint), and JSON arrays stay arrays.
    await db.insert(generations).values({
      id: "gen_1",
      promptSetId: "ps_1",
      variantId: "var_1",
      guidanceScales: [1, 7.5],
      samplesPerPrompt: 2,
      steps: 20,
      sampler: "ddim",
      width: 64,
      height: 64,
      seed: 4_000_000_000,
      samplesPerTask: 2,
    });
    const gen = (await db.select().from(generations))[0]!;
    expect(gen).toMatchObject({ seed: 4_000_000_000, guidanceScales: [1, 7.5] });
  });
});
