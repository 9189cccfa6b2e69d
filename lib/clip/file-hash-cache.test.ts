// A restarted server names its evaluator without hashing the model files again: file hashes are
// kept on disk (<cache dir>/file-sha256.json) by path, size, mtime and inode, as git's index does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../core/config";
import { forgetHashesInThisProcess, sha256File } from "./identity";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-hash-cache-"));
  process.env.T2I_CACHE_DIR = path.join(dir, "cache");
  resetConfigForTests();
  forgetHashesInThisProcess();
});
afterEach(() => {
  delete process.env.T2I_CACHE_DIR;
  resetConfigForTests();
  forgetHashesInThisProcess();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SHA_OF_A = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"; // sha256("a")
const SHA_OF_B = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"; // sha256("b")

describe("the file hash cache", () => {
  it("answers a new process from disk while size, mtime and inode are unchanged, and hashes again after a change", async () => {
    const file = path.join(dir, "weights.onnx");
    fs.writeFileSync(file, "a");
    // A whole-second mtime, so the test can set the same one again exactly.
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    fs.utimesSync(file, mtime, mtime);
    expect(await sha256File(file)).toBe(SHA_OF_A);
    expect(fs.existsSync(path.join(dir, "cache", "file-sha256.json"))).toBe(true);

    // Same size, same mtime, same inode, other bytes: a new process trusts the cache (it never
    // reads the file), which is what makes a restart cheap.
    fs.writeFileSync(file, "b");
    fs.utimesSync(file, mtime, mtime);
    forgetHashesInThisProcess();
    expect(await sha256File(file)).toBe(SHA_OF_A);

    // A changed mtime (every install, copy or edit sets one) means the file is read again.
    fs.utimesSync(file, mtime, new Date(mtime.getTime() + 5000));
    forgetHashesInThisProcess();
    expect(await sha256File(file)).toBe(SHA_OF_B);
  });

  it("works without a writable cache folder, and ignores a corrupt cache file", async () => {
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, "a");
    fs.mkdirSync(path.join(dir, "cache"));
    fs.writeFileSync(path.join(dir, "cache", "file-sha256.json"), "{not json");
    expect(await sha256File(file)).toBe(SHA_OF_A);
    // A cache path that cannot be a folder: hashing still answers.
    process.env.T2I_CACHE_DIR = path.join(file, "sub");
    resetConfigForTests();
    forgetHashesInThisProcess();
    expect(await sha256File(file)).toBe(SHA_OF_A);
  });
});
