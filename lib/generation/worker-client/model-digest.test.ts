import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { modelDigest } from "./model-digest";

let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("modelDigest", () => {
  it("hashes every file's relative path and SHA-256, sorted by path, and changes with any byte", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sd-model-"));
    fs.mkdirSync(path.join(dir, "unet"));
    fs.writeFileSync(path.join(dir, "unet", "model.onnx"), "weights");
    fs.writeFileSync(path.join(dir, "model_index.json"), "{}");
    const expected = createHash("sha256")
      .update(`model_index.json\0${sha("{}")}\nunet/model.onnx\0${sha("weights")}\n`)
      .digest("hex");
    expect(await modelDigest(dir)).toEqual({ name: path.basename(dir), sha256: expected });
    fs.writeFileSync(path.join(dir, "unet", "model.onnx"), "weightz");
    expect((await modelDigest(dir)).sha256).not.toBe(expected);
  });
});
