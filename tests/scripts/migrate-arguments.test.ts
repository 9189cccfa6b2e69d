// npm run db:migrate checks its arguments like every other script: a mistyped option prints what
// was wrong and the usage and exits 2, before any database is opened (it used to be ignored).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

function withoutDatabaseSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { T2I_DB_PATH: _p, T2I_DATABASE_URL: _u, ...rest } = env;
  return rest;
}

function migrate(args: string[], dataDir: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/service/migrate.ts", ...args], {
    encoding: "utf8",
    env: { ...withoutDatabaseSettings(process.env), T2I_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run db:migrate's arguments", () => {
  it("refuses an unknown option with the usage and exit 2, touching no database; --help exits 0", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-migrate-args-"));
    try {
      const bad = migrate(["--bogus-opt"], dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^db:migrate: Unknown option '--bogus-opt'/);
      expect(bad.stderr).toContain("Usage: npm run db:migrate");
      expect(fs.existsSync(path.join(dir, "t2i.sqlite"))).toBe(false);
      const help = migrate(["--help"], dir);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run db:migrate/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
