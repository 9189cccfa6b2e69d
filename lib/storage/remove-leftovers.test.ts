import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRun } from "../runs/create-run";
import { makeRunInput, stageImage, storedFiles } from "../../tools/test-support/runs";
import { createStagingDir, removeStagingDir } from "../uploads/staging";
import { pathFor, placeFileSync } from "./content-store";
import { claimStoreFiles } from "./store-claims";
import { removeLeftovers, UNKNOWN_GRACE_MS } from "./remove-leftovers";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

const staging = () => path.join(data.dir, "staging");
const stagingEntries = () => fs.readdirSync(staging()).sort();

describe("removeLeftovers", () => {
  it("removes staging folders of dead processes and unregistered ones of its own, keeping uploads in flight", async () => {
    const inFlight = await createStagingDir();
    fs.writeFileSync(path.join(inFlight, "a.png"), "x");
    const dead = path.join(staging(), `upload-${deadPid()}-abc123`);
    fs.mkdirSync(dead, { recursive: true });
    fs.writeFileSync(path.join(dead, "half.png"), "x");
    const mineButGone = path.join(staging(), `upload-${process.pid}-zzz999`);
    fs.mkdirSync(mineButGone);
    const alive = path.join(staging(), `upload-${process.ppid}-parent`);
    fs.mkdirSync(alive);
    const unknownFresh = path.join(staging(), "manual-copy");
    const unknownOld = path.join(staging(), "upload-OLDSTYLE");
    fs.mkdirSync(unknownFresh);
    fs.mkdirSync(unknownOld);
    const old = (Date.now() - UNKNOWN_GRACE_MS - 60_000) / 1000;
    fs.utimesSync(unknownOld, old, old);

    const r = await removeLeftovers();
    expect(r.staging.sort()).toEqual([path.basename(dead), path.basename(mineButGone), "upload-OLDSTYLE"].sort());
    expect(stagingEntries()).toEqual([path.basename(alive), path.basename(inFlight), "manual-copy"].sort());
    await removeStagingDir(inFlight);
    expect((await removeLeftovers()).staging).toEqual([]);
  });

  it("removes stored files and thumbnails no row references, but not those of rows or of a claim in flight", async () => {
    const { run } = await createRun(await makeRunInput(data.dir, { perPrompt: 1 }));
    expect(run.id).toMatch(/^run_/);
    const referenced = storedFiles(data.dir);
    expect(referenced).toHaveLength(3);

    const orphan = await stageImage(data.dir, "x", "orphan.png", { seed: 900 });
    placeFileSync(orphan.stagedPath, orphan.sha256, "png");
    const claimed = await stageImage(data.dir, "x", "claimed.png", { seed: 901 });
    const { release } = await claimStoreFiles([claimed.sha256]);
    placeFileSync(claimed.stagedPath, claimed.sha256, "png");
    const tmp = `${pathFor(orphan.sha256, "png")}.0a1b2c.tmp`;
    fs.writeFileSync(tmp, "partial copy");
    const thumbDir = path.join(data.dir, "thumbs", "256", orphan.sha256.slice(0, 2));
    fs.mkdirSync(thumbDir, { recursive: true });
    fs.writeFileSync(path.join(thumbDir, `${orphan.sha256}.webp`), "thumb");
    const keptThumb = path.join(
      data.dir,
      "thumbs",
      "256",
      referenced[0]!.split("/").pop()!.slice(0, 2),
      `${referenced[0]!.split("/").pop()!.slice(0, 64)}.webp`,
    );
    fs.mkdirSync(path.dirname(keptThumb), { recursive: true });
    fs.writeFileSync(keptThumb, "thumb");
    fs.rmSync(path.join(staging(), "x"), { recursive: true });

    const r = await removeLeftovers();
    expect(r.files.sort()).toEqual(
      [
        path.relative(data.dir, pathFor(orphan.sha256, "png")),
        path.relative(data.dir, tmp),
        path.join("thumbs", "256", orphan.sha256.slice(0, 2), `${orphan.sha256}.webp`),
      ].sort(),
    );
    expect(storedFiles(data.dir)).toEqual(
      [...referenced, path.relative(path.join(data.dir, "images"), pathFor(claimed.sha256, "png"))].sort(),
    );
    expect(fs.existsSync(keptThumb)).toBe(true);
    // Once the claim is released without a row (the upload failed), the file goes too.
    release();
    expect((await removeLeftovers()).files).toEqual([path.relative(data.dir, pathFor(claimed.sha256, "png"))]);
    expect(storedFiles(data.dir)).toEqual(referenced);
  });
});
