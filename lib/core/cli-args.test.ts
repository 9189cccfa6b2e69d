import { spawnSync } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args";
import { ENTRY_POINTS } from "./entry-points";

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

describe("parseCliArgs", () => {
  const meta = {
    script: "demo",
    usage: "Usage: npm run demo -- --name N\n",
    exit: (code: number): never => {
      throw new Exited(code);
    },
  };

  it("parses what parseArgs parses", () => {
    expect(parseCliArgs({ args: ["--name", "x"], options: { name: { type: "string" } } }, meta).values).toEqual({
      name: "x",
    });
  });

  it("answers a typo with the usage and exit code 2, not a stack trace", () => {
    const write = process.stderr.write;
    let err = "";
    process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
    try {
      expect(() => parseCliArgs({ args: ["--nmae", "x"], options: { name: { type: "string" } } }, meta)).toThrow(
        expect.objectContaining({ code: 2 }),
      );
    } finally {
      process.stderr.write = write;
    }
    expect(err).toMatch(/^demo: Unknown option '--nmae'/);
    expect(err).toContain("Usage: npm run demo -- --name N");
  });
});

// Every script with options: a mistyped option prints its usage and exits 2. Scripts are
// spawned (tsx), so this is slow-ish; --help-less scripts (migrate) take no options.
const SCRIPTS = fs
  .readdirSync("scripts", { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && path.basename(f) !== "migrate.ts")
  .map((f) => path.join("scripts", f));

describe("every script in scripts/", () => {
  it.each(SCRIPTS)(
    "%s answers --no-such-option with its usage",
    (script) => {
      const args = script.endsWith("runs.ts")
        ? ["retry", "--no-such-option"]
        : script.endsWith("apikey.ts") || script.endsWith("worker-token.ts")
          ? ["list", "--no-such-option"]
          : ["--no-such-option"];
      const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
        encoding: "utf8",
        env: { ...process.env, T2I_DATA_DIR: fs.mkdtempSync("/tmp/cli-typo-") },
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Usage:/);
      expect(r.stderr).toContain("--no-such-option");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );
});

describe("npm start's port", () => {
  const start = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.serve, "--no-demo", "--no-prompt", ...args], {
      encoding: "utf8",
      env: { ...process.env, T2I_DATA_DIR: fs.mkdtempSync("/tmp/cli-port-") },
      timeout: 60_000,
    });

  it("refuses a port that is not 1-65535 with the usage (exit 2)", () => {
    for (const port of ["abc", "99999", "0"]) {
      const r = start(["--port", port]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--port must be a whole number from 1 to 65535, got "${port}"`);
    }
  }, 60_000);

  it("exits 1 at once, naming the port, when it is already taken (instead of serving nothing)", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const r = start(["--port", String(port), "--host", "127.0.0.1"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use`);
    } finally {
      holder.close();
    }
  }, 60_000);
});
