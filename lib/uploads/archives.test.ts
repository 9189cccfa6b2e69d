import { createHash } from "node:crypto";
import { openAsBlob } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ingestMultipart } from "./ingest-multipart";
import type { UploadLimits } from "./limits";
import {
  blob,
  expectEmpty,
  formBody,
  jsonl,
  noise,
  patchZipDeclaredSize,
  png,
  refusal,
  tarBuffer,
  tarFile,
  tempDir,
  zeros,
  zipBuffer,
  zipFile,
} from "../../tools/test-support/upload-inputs";
import type { EntryViolation } from "./types";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const MiB = 1024 * 1024;

let root: string;
let scratch: string;
const dirs: string[] = [];
beforeEach(async () => {
  root = await tempDir();
  scratch = await tempDir("t2i-archives-");
  dirs.push(root, scratch);
});
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

function upload(archive: Buffer | Blob, name = "batch.zip", limits?: Partial<UploadLimits>) {
  const b = formBody((fd) => {
    fd.append("variant", "v1");
    fd.append("archive", archive instanceof Blob ? archive : blob(archive), name);
  });
  return ingestMultipart(b.body, b.contentType, { stagingRoot: root, limits });
}

const entries = (e: { details?: unknown }) => (e.details as { entries: EntryViolation[] }).entries;

let a: Buffer;
let b: Buffer;
const rows = jsonl([
  { file: "a.png", prompt: "a red cube", seed: 1 },
  { file: "imgs/b.jpg", prompt: "a blue sphere", group: "g" },
]);
beforeEach(async () => {
  a ??= await png(10, 20, 40);
  b ??= await noise(24, 16, "jpeg");
});

async function expectStaged(up: Awaited<ReturnType<typeof upload>>) {
  expect(up.fields).toEqual({ variant: "v1" });
  expect(up.items.map(({ path: _p, ...rest }) => rest)).toEqual([
    {
      fileName: "a.png",
      prompt: "a red cube",
      seed: 1,
      sha256: sha(a),
      bytes: a.length,
      format: "png",
      width: 10,
      height: 20,
    },
    {
      fileName: "imgs/b.jpg",
      prompt: "a blue sphere",
      group: "g",
      sha256: sha(b),
      bytes: b.length,
      format: "jpeg",
      width: 24,
      height: 16,
    },
  ]);
  expect(await fs.readFile(up.items[0]!.path)).toEqual(a);
  expect(await fs.readFile(up.items[1]!.path)).toEqual(b);
  // Only the listed images stay: no archive, no manifest copy, no unlisted files.
  const kept = (await fs.readdir(up.stagingDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  expect(kept.map((d) => path.join(d.parentPath, d.name)).sort()).toEqual(up.items.map((it) => it.path).sort());
  await up.cleanup();
  await expectEmpty(root);
}

describe("archives: happy paths", () => {
  it("zip, skipping __MACOSX and dotfiles and reporting unlisted files", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a, compress: false },
      { name: "imgs/", dir: true },
      { name: "imgs/b.jpg", data: b },
      { name: "extra.png", data: a },
      { name: "__MACOSX/._a.png", data: Buffer.from("resource fork") },
      { name: ".DS_Store", data: Buffer.from("junk") },
    ]);
    // Named .bin: the type comes from the magic bytes.
    const up = await upload(zip, "upload.bin");
    expect(up.ignoredFiles).toEqual(["extra.png"]);
    await expectStaged(up);
  });

  it("tar", async () => {
    const t = await tarBuffer([
      { name: "./", type: "directory" },
      { name: "./manifest.jsonl", data: rows },
      { name: "./a.png", data: a },
      { name: "./imgs/b.jpg", data: b },
    ]);
    await expectStaged(await upload(t, "batch.tar"));
  });

  it("tar.gz with a top folder and a CSV manifest", async () => {
    const csv = Buffer.from('file,prompt,seed,group\na.png,a red cube,1,\nimgs/b.jpg,"a blue sphere",,g\n');
    const t = await tarBuffer(
      [
        { name: "batch-7/", type: "directory" },
        { name: "batch-7/manifest.csv", data: csv },
        { name: "batch-7/a.png", data: a },
        { name: "batch-7/imgs/b.jpg", data: b },
        { name: "batch-7/._a.png", data: Buffer.from("AppleDouble") },
      ],
      true,
    );
    await expectStaged(await upload(t, "batch.tgz"));
  });
});

describe("archives: hostile and broken ones are refused, leaving nothing on disk", () => {
  it("422 for entries that escape the archive, absolute paths and drive letters, naming all of them", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "../../x.png", data: a },
      { name: "ok/..\\..\\y.png", data: a },
      { name: "/etc/z.png", data: a },
      { name: "C:\\w.png", data: a },
    ]);
    const e = await refusal(upload(zip), "validation_failed");
    expect(entries(e)).toEqual([
      { entry: "../../x.png", reason: "path goes up a folder (..)" },
      { entry: "ok/../../y.png", reason: "path goes up a folder (..)" },
      { entry: "/etc/z.png", reason: "absolute path" },
      { entry: "C:/w.png", reason: "absolute path (drive letter)" },
    ]);
    expect(e.message).toMatch(/^archive refused: "..\/..\/x.png" path goes up a folder \(..\) and 3 more$/);
    await expectEmpty(root);
  });

  it("422 for ../ and absolute paths in a tar", async () => {
    const t = await tarBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "../x.png", data: a },
      { name: "/abs.png", data: a },
    ]);
    const e = await refusal(upload(t, "x.tar"), "validation_failed");
    expect(entries(e).map((v) => v.entry)).toEqual(["../x.png", "/abs.png"]);
    await expectEmpty(root);
  });

  it("422 for a symlink in a zip (unix mode in the external attributes)", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: Buffer.from("/etc/passwd"), mode: 0o120777 },
    ]);
    const e = await refusal(upload(zip), "validation_failed");
    expect(entries(e)).toEqual([
      { entry: "a.png", reason: "symbolic link entries are not allowed; only files and folders" },
    ]);
    await expectEmpty(root);
  });

  it("422 for symlinks, hard links and devices in a tar", async () => {
    const t = await tarBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", type: "symlink", linkname: "/etc/passwd" },
      { name: "imgs/b.jpg", type: "link", linkname: "manifest.jsonl" },
      { name: "dev", type: "character-device" },
    ]);
    const e = await refusal(upload(t, "x.tar"), "validation_failed");
    expect(entries(e)).toEqual([
      { entry: "a.png", reason: "symbolic link entries are not allowed; only files and folders" },
      { entry: "imgs/b.jpg", reason: "hard link entries are not allowed; only files and folders" },
      { entry: "dev", reason: "device entries are not allowed; only files and folders" },
    ]);
    await expectEmpty(root);
  });

  it("422 for a zip bomb (200 MB of zeros), refused from the central directory before extraction", async () => {
    const file = path.join(scratch, "bomb.zip");
    await zipFile(
      [
        { name: "manifest.jsonl", data: rows },
        { name: "a.png", stream: zeros(200 * MiB) },
      ],
      file,
    );
    expect((await fs.stat(file)).size).toBeLessThan(MiB);
    const e = await refusal(upload(await openAsBlob(file)), "validation_failed");
    expect(entries(e)).toEqual([
      { entry: "a.png", reason: expect.stringMatching(/^compression ratio \d+:1 is over the limit of 20:1/) },
    ]);
    await expectEmpty(root);
  }, 60_000);

  it("422 for a zip whose entries add up to more than maxUncompressedBytes", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a },
      { name: "imgs/b.jpg", data: b },
    ]);
    const e = await refusal(upload(zip, "x.zip", { maxUncompressedBytes: 100 }), "validation_failed");
    expect(e.details).toMatchObject({ limit: "maxUncompressedBytes", max: 100 });
    await expectEmpty(root);
  });

  it("422 for a tar.gz bomb, aborted while inflating even when the entry itself is within the per-file limit", async () => {
    const file = path.join(scratch, "bomb.tgz");
    await tarFile(
      [
        { name: "manifest.jsonl", data: rows },
        { name: "a.png", size: 200 * MiB, stream: zeros(200 * MiB) },
      ],
      { gzip: true, dest: file },
    );
    const e = await refusal(
      upload(await openAsBlob(file), "bomb.tgz", { maxImageBytes: 300 * MiB }),
      "validation_failed",
    );
    expect(e.details).toMatchObject({ limit: "maxCompressionRatio" });
    expect(e.message).toMatch(/refused after 1\.\d MiB/);
    await expectEmpty(root);
  }, 60_000);

  it("422 for a zip entry that holds more than it declares", async () => {
    const big = await noise(64, 64);
    const honest = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "a.png", prompt: "p" }]) },
      { name: "a.png", data: big },
    ]);
    const e = await refusal(upload(patchZipDeclaredSize(honest, "a.png", 100)), "validation_failed");
    expect(entries(e)).toEqual([{ entry: "a.png", reason: "holds more than the 100 bytes it declares" }]);
    await expectEmpty(root);
  });

  it("422 for entries over the per-file limit, before extracting them", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a },
      { name: "imgs/b.jpg", data: await noise(200, 200, "png"), compress: false },
    ]);
    const e = await refusal(upload(zip, "x.zip", { maxImageBytes: 50_000 }), "validation_failed");
    expect(entries(e)).toEqual([
      { entry: "imgs/b.jpg", reason: expect.stringMatching(/over the per-file limit of 48\.8 KiB/) },
    ]);
    await expectEmpty(root);
  });

  it("422 for duplicate names (after normalisation) in a zip and in a tar", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a },
      { name: "./a.png", data: a },
    ]);
    expect(entries(await refusal(upload(zip), "validation_failed"))).toEqual([
      { entry: "a.png", reason: "appears twice in the archive" },
    ]);
    const t = await tarBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "imgs/b.jpg", data: b },
      { name: "imgs//b.jpg", data: b },
    ]);
    expect(entries(await refusal(upload(t, "x.tar"), "validation_failed"))).toEqual([
      { entry: "imgs/b.jpg", reason: "appears twice in the archive" },
    ]);
    await expectEmpty(root);
  });

  it("422 for an empty zip, an empty tar and an archive of only folders and dotfiles", async () => {
    expect((await refusal(upload(await zipBuffer([])), "validation_failed")).message).toMatch(/archive is empty/);
    expect((await refusal(upload(await tarBuffer([]), "x.tar"), "validation_failed")).message).toMatch(
      /archive is empty/,
    );
    const hollow = await zipBuffer([
      { name: "d/", dir: true },
      { name: ".DS_Store", data: Buffer.from("x") },
    ]);
    expect((await refusal(upload(hollow), "validation_failed")).message).toMatch(/archive is empty/);
    await expectEmpty(root);
  });

  it("422 for an archive without a manifest, or with two", async () => {
    const none = await zipBuffer([{ name: "a.png", data: a }]);
    expect((await refusal(upload(none), "validation_failed")).message).toMatch(/no manifest.jsonl or manifest.csv/);
    const two = await zipBuffer([
      { name: "x/manifest.jsonl", data: rows },
      { name: "y/manifest.jsonl", data: rows },
    ]);
    expect((await refusal(upload(two), "validation_failed")).message).toMatch(/more than one manifest/);
    await expectEmpty(root);
  });

  it("422 for too many files", async () => {
    const many = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      ...["1", "2", "3", "4"].map((n) => ({ name: `${n}.png`, data: a })),
    ]);
    expect((await refusal(upload(many, "x.zip", { maxFiles: 2 }), "validation_failed")).details).toEqual({
      limit: "maxFiles",
      max: 2,
    });
    const t = await tarBuffer([
      { name: "manifest.jsonl", data: rows },
      ...["1", "2", "3", "4"].map((n) => ({ name: `${n}.png`, data: a })),
    ]);
    expect((await refusal(upload(t, "x.tar", { maxFiles: 2 }), "validation_failed")).details).toEqual({
      limit: "maxFiles",
      max: 2,
    });
    await expectEmpty(root);
  });

  it("413 for an archive part over maxArchiveBytes, and for a manifest entry over maxManifestBytes", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a },
    ]);
    expect((await refusal(upload(zip, "x.zip", { maxArchiveBytes: 100 }), "payload_too_large")).details).toMatchObject({
      limit: "maxArchiveBytes",
    });
    expect((await refusal(upload(zip, "x.zip", { maxManifestBytes: 10 }), "payload_too_large")).details).toMatchObject({
      limit: "maxManifestBytes",
    });
    await expectEmpty(root);
  });

  it("422 for a part that is not a zip, tar or tar.gz, and for a corrupt one", async () => {
    const e = await refusal(upload(Buffer.from("just some text, named .zip"), "fake.zip"), "validation_failed");
    expect(e.message).toMatch(/not a zip, tar or tar.gz/);
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: a },
    ]);
    await refusal(upload(zip.subarray(0, zip.length - 30)), "validation_failed");
    const tgz = await tarBuffer(
      [
        { name: "manifest.jsonl", data: rows },
        { name: "a.png", data: a },
      ],
      true,
    );
    await refusal(upload(tgz.subarray(0, tgz.length / 2), "x.tgz"), "validation_failed");
    await expectEmpty(root);
  });

  it("checks the images inside an archive like any other: a text file named .png is refused", async () => {
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: rows },
      { name: "a.png", data: Buffer.from("<html>not an image</html>") },
      { name: "imgs/b.jpg", data: b },
    ]);
    const e = await refusal(upload(zip), "validation_failed");
    expect(e.details).toEqual({
      files: [{ file: "a.png", code: "image_unsupported_type", message: "not a PNG, JPEG, WebP or GIF file" }],
    });
    await expectEmpty(root);
  });
});
