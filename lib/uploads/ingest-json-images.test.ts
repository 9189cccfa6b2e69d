import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ingestJsonImages } from "./ingest-json-images";
import type { UploadLimits } from "./limits";
import {
  expectEmpty,
  noise,
  png,
  pngDeclaring,
  refusal,
  useStagingRoots,
} from "../../tools/test-support/upload-inputs";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const stagingRoot = useStagingRoots();

const ingest = (json: unknown, limits?: Partial<UploadLimits>) =>
  ingestJsonImages(json, { stagingRoot: stagingRoot(), limits });

describe("ingestJsonImages", () => {
  it("stages base64 and data-URL images with the same StagedItem shape as uploads", async () => {
    const a = await png(12, 8, 3);
    const b = await noise(9, 7, "webp");
    const up = await ingest({
      metrics: ["clip_score"],
      items: [
        { file: "a.png", prompt: "a cat", group: "g1", seed: 4, image: a.toString("base64") },
        { prompt: "a dog", image: `data:image/webp;base64,${b.toString("base64").replace(/(.{60})/g, "$1\n")}` },
      ],
    });
    expect(up.fields).toEqual({});
    expect(up.items.map(({ path: _p, ...rest }) => rest)).toEqual([
      {
        fileName: "a.png",
        prompt: "a cat",
        group: "g1",
        seed: 4,
        sha256: sha(a),
        bytes: a.length,
        format: "png",
        width: 12,
        height: 8,
      },
      { fileName: "items[1]", prompt: "a dog", sha256: sha(b), bytes: b.length, format: "webp", width: 9, height: 7 },
    ]);
    expect(await fs.readFile(up.items[1]!.path)).toEqual(b);
    await up.cleanup();
    await expectEmpty(stagingRoot());
  });

  it("422 for a bad shape, naming the path", async () => {
    const e = await refusal(ingest({ items: [{ prompt: "x" }] }), "validation_failed");
    expect(e.details).toMatchObject({ issues: [{ path: "items.0.image" }] });
    await refusal(ingest({ items: [] }), "validation_failed");
    await refusal(ingest(null), "validation_failed");
    const long = await refusal(
      ingest({ items: [{ prompt: "word ".repeat(10_000), image: "AAAA" }] }),
      "validation_failed",
    );
    expect(long.message).toMatch(/items\.0\.prompt: prompt longer than 10000 characters/);
    await expectEmpty(stagingRoot());
  });

  it("413 for too many items or too many decoded bytes, before decoding anything", async () => {
    const img = (await png(4, 4)).toString("base64");
    const three = { items: [1, 2, 3].map((i) => ({ file: `${i}.png`, prompt: "p", image: img })) };
    expect((await refusal(ingest(three, { maxFiles: 2 }), "payload_too_large")).details).toMatchObject({
      limit: "maxFiles",
      max: 2,
    });
    const big = (await noise(64, 64)).toString("base64");
    const e = await refusal(
      ingest({ items: [{ file: "big.png", prompt: "p", image: big }] }, { maxImageBytes: 1000 }),
      "payload_too_large",
    );
    expect(e.details).toMatchObject({ limit: "maxImageBytes", file: "big.png" });
    expect(
      (await refusal(ingest(three, { maxUploadBytes: 2 * Buffer.from(img, "base64").length }), "payload_too_large"))
        .details,
    ).toMatchObject({
      limit: "maxUploadBytes",
    });
    await expectEmpty(stagingRoot());
  });

  it("422 listing every bad image: not base64, not an image, pixel bomb, duplicate name", async () => {
    const ok = (await png(4, 4)).toString("base64");
    const e = await refusal(
      ingest({
        items: [
          { file: "ok.png", prompt: "p", image: ok },
          { file: "junk.png", prompt: "p", image: "this is not base64!" },
          { file: "text.png", prompt: "p", image: Buffer.from("plain text").toString("base64") },
          { file: "bomb.png", prompt: "p", image: pngDeclaring(await png(1, 1), 100_000, 100_000).toString("base64") },
          { file: "svg.png", prompt: "p", image: "data:image/svg+xml,<svg/>" },
          { file: "same.png", prompt: "p", image: ok },
          { file: "same.png", prompt: "p", image: ok },
        ],
      }),
      "validation_failed",
    );
    const files = (e.details as { files: { file: string; code: string }[] }).files;
    expect(files.map((f) => [f.file, f.code])).toEqual([
      ["junk.png", "invalid_base64"],
      ["svg.png", "invalid_base64"],
      ["same.png", "duplicate_file"],
      ["same.png", "duplicate_file"],
      ["text.png", "image_unsupported_type"],
      ["bomb.png", "image_too_large"],
    ]);
    await expectEmpty(stagingRoot());
  });
});
