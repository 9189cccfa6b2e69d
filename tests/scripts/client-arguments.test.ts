// The command-line clients check their arguments with the server's own rules before they read an
// archive or send anything: a bad value exits 2 with what was wrong and the usage.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

function cli(entry: string, args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", entry, ...args], {
    encoding: "utf8",
    // Nothing listens on port 9: a request would fail as "could not reach", not as a usage error.
    env: { ...process.env, T2I_SERVER: "http://127.0.0.1:9", T2I_API_KEY: "t2i_x" },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cli-args-")), "batch.zip");
fs.writeFileSync(archive, Buffer.alloc(1024));

describe("client arguments are checked before anything is sent", () => {
  it.each([
    [
      "upload --guidance abc",
      ENTRY_POINTS.upload,
      ["--archive", archive, "--variant", "v", "--guidance", "abc"],
      /^upload: --guidance: expected a number such as 3 or 7\.5, got "abc"/,
    ],
    [
      "upload --guidance 7,5",
      ENTRY_POINTS.upload,
      ["--archive", archive, "--variant", "v", "--guidance", "7,5"],
      /^upload: --guidance: use a dot as the decimal separator: 7\.5/,
    ],
    [
      "upload --steps 0",
      ENTRY_POINTS.upload,
      ["--archive", archive, "--variant", "v", "--guidance", "3", "--steps", "0"],
      /^upload: --steps: /,
    ],
    [
      "upload --conditioning bogus",
      ENTRY_POINTS.upload,
      ["--archive", archive, "--variant", "v", "--guidance", "3", "--conditioning", "bogus"],
      /^upload: --conditioning: /,
    ],
    [
      "reference-sets show --version abc",
      ENTRY_POINTS.referenceSets,
      ["show", "coco", "--version", "abc"],
      /^reference-sets: --version: expected a number/,
    ],
    [
      "reference-sets upload --prompt-set-version x",
      ENTRY_POINTS.referenceSets,
      ["upload", "--name", "r", "--archive", archive, "--prompt-set", "p", "--prompt-set-version", "x"],
      /^reference-sets: --prompt-set-version: expected a number/,
    ],
    [
      "runs audit --limit abc",
      ENTRY_POINTS.runs,
      ["audit", "--limit", "abc"],
      /runs audit: --limit: expected a number/,
    ],
  ])("%s exits 2 with the usage", (_name, entry, args, message) => {
    const r = cli(entry, args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.replace(/^error: /, "")).toMatch(message);
    expect(r.stderr).toContain("Usage:");
    expect(r.stderr).not.toMatch(/^uploading |could not reach/m);
  });
});
