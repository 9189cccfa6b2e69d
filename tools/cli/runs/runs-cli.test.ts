// `npm run runs -- retry|rescore`: the local --all / --variant path on a database, usage and
// exit codes. The REST path against a running service is covered by e2e/api/rescore.spec.ts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../../db/client";
import { evaluators, runScores, runs } from "../../../db/schema/index";
import { createRun } from "../../../lib/runs/create-run";
import { FIXTURE_MODEL, makeRunInput } from "../../test-support/runs";
import { ENTRY_POINTS } from "../../../lib/core/entry-points";
import { dataDirPerTest } from "../../test-support/setup";

const data = dataDirPerTest();

function cli(args: string[], env: Record<string, string> = {}) {
  closeDb();
  const r = spawnSync(process.execPath, ["--import", "tsx", path.resolve(ENTRY_POINTS.runs), ...args], {
    env: { ...process.env, T2I_DATA_DIR: data.dir, T2I_MODEL_DIR: FIXTURE_MODEL, T2I_API_KEY: "", ...env },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A run that counts as scored by an evaluator other than the installed fixture. */
async function scoredElsewhere(variant: string, seedBase: number) {
  const { run } = await createRun(await makeRunInput(data.dir, { variant, seedBase }));
  const db = getDb();
  db.insert(evaluators)
    .values({ id: "old-clip@000000000000", name: "old/clip", variant: "fp32", isFixture: false, files: [] })
    .onConflictDoNothing()
    .run();
  const ci = { clipScore: null, clipS: null, diversity: null, vendi: null } as never;
  db.insert(runScores)
    .values({
      runId: run.id,
      evaluatorId: "old-clip@000000000000",
      n: 9,
      failed: 0,
      groups: 3,
      diversityGroups: 3,
      ci,
      metricVersions: {},
    })
    .run();
  db.update(runs)
    .set({ status: "scored", evaluatorId: "old-clip@000000000000", progressDone: 9 })
    .where(eq(runs.id, run.id))
    .run();
  return run.id;
}

describe("npm run runs", () => {
  it("lists its subcommands, and each has --help", () => {
    const top = cli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/retry\s+re-queue failed runs/);
    expect(top.out).toMatch(/rescore\s+score runs with the installed evaluator/);
    for (const name of ["retry", "rescore"])
      expect(cli([name, "--help"])).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: npm run runs -- /) });
    expect(cli(["frobnicate"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown subcommand "frobnicate"/),
    });
  });

  it("rescore --variant and --all queue the scored runs that lack the installed evaluator's scores", async () => {
    const a = await scoredElsewhere("v1", 0);
    const b = await scoredElsewhere("v2", 1);
    const one = cli(["rescore", "--variant", "v1"]);
    expect(one).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^queued 1 run\(s\) of variant v1 for scoring by clip-tiny/),
    });
    expect(getDb().select({ s: runs.status }).from(runs).where(eq(runs.id, a)).get()!.s).toBe("queued");
    expect(getDb().select({ s: runs.status }).from(runs).where(eq(runs.id, b)).get()!.s).toBe("scored");
    expect(cli(["rescore", "--all"])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^queued 1 run\(s\) for scoring/),
    });
    expect(cli(["rescore", "--variant", "nope"])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no variant named "nope"/),
    });
  });

  it("refuses bad arguments with exit code 2 and needs an API key for the REST path", () => {
    expect(cli(["rescore"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/give run ids, --variant NAME or --all/),
    });
    expect(cli(["retry"])).toMatchObject({ code: 2, err: expect.stringMatching(/name at least one run id/) });
    expect(cli(["retry", "run_x"])).toMatchObject({ code: 2, err: expect.stringMatching(/needs an API key/) });
    expect(cli(["retry", "run_x", "--key", "t2i_x", "--server", "http://127.0.0.1:9"])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/could not reach/),
    });
  });
});
