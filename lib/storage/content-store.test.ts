import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stageImage, storedFiles } from "../../tools/test-support/runs";
import { ContentHashMismatchError, pathFor, putFile, read } from "./content-store";
import { dataDirPerTest } from "../../tools/test-support/setup";

const data = dataDirPerTest();

describe("content store", () => {
  it("moves a staged file to images/ab/cd/<sha256>.<ext> and keeps one copy per content", async () => {
    const a = await stageImage(data.dir, "s1", "a.png", { seed: 1 });
    const put = await putFile(a.stagedPath, { format: "png", expectedSha256: a.sha256 });
    expect(put).toEqual({ sha256: a.sha256, bytes: a.bytes, added: true });
    expect(pathFor(a.sha256, "png")).toBe(
      path.join(data.dir, "images", a.sha256.slice(0, 2), a.sha256.slice(2, 4), `${a.sha256}.png`),
    );
    expect(fs.existsSync(pathFor(a.sha256, "png"))).toBe(true);
    expect(fs.existsSync(a.stagedPath)).toBe(false);
    expect(await read(a.sha256, "png")).toEqual(a.png);

    const again = await stageImage(data.dir, "s2", "same.png", { seed: 1 });
    expect(await putFile(again.stagedPath, { format: "png" })).toMatchObject({ sha256: a.sha256, added: false });
    expect(fs.existsSync(again.stagedPath)).toBe(true);
    expect(storedFiles(data.dir)).toHaveLength(1);
    expect(pathFor(a.sha256, "jpeg")).toMatch(/\.jpg$/);
  });

  it("refuses a file whose bytes do not match the announced sha256, storing nothing", async () => {
    const a = await stageImage(data.dir, "s1", "a.png", { seed: 1 });
    await expect(putFile(a.stagedPath, { format: "png", expectedSha256: "0".repeat(64) })).rejects.toBeInstanceOf(
      ContentHashMismatchError,
    );
    expect(storedFiles(data.dir)).toEqual([]);
    expect(() => pathFor("../../etc/passwd", "png")).toThrow(/sha256/);
  });
});
