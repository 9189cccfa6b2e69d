// Bounds checked before the expensive step: the total pixel budget of a synchronous request is
// read from the image headers before anything is decoded.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ingestJsonImages } from "./ingest-json-images";
import { ingestMultipart } from "./ingest-multipart";
import type { UploadLimits } from "./limits";
import {
  blob,
  expectEmpty,
  formBody,
  jsonl,
  png,
  pngDeclaring,
  refusal,
  tarBuffer,
  useStagingRoots,
  zipBuffer,
} from "../../tools/test-support/upload-inputs";

const stagingRoot = useStagingRoots();

const ingest = (json: unknown, limits?: Partial<UploadLimits>) =>
  ingestJsonImages(json, { stagingRoot: stagingRoot(), limits });

describe("the total pixel budget (T2I_METRICS_MAX_PIXELS)", () => {
  it("refuses images that together pass it with 413 naming the setting, from their headers, staging nothing", async () => {
    const small = await png(100, 100, 1);
    // Declares 6000×6000: decoding it would be the expensive step the budget exists to avoid.
    const huge = pngDeclaring(small, 6000, 6000);
    const items = [small, huge].map((b, i) => ({ file: `${i}.png`, prompt: "p", image: b.toString("base64") }));
    const e = await refusal(ingest({ items }, { maxTotalPixels: 1_000_000, maxImagePixels: 1e9 }), "payload_too_large");
    expect(e.message).toContain("T2I_METRICS_MAX_PIXELS");
    expect(e.details).toMatchObject({ limit: "maxTotalPixels", max: 1_000_000 });
    await expectEmpty(stagingRoot());
  });

  it("lets a batch within it through, counting every row that is scored", async () => {
    const img = await png(100, 100, 2);
    const items = [0, 1].map((i) => ({ file: `${i}.png`, prompt: "p", image: img.toString("base64") }));
    const ok = await ingest({ items }, { maxTotalPixels: 20_000 });
    expect(ok.items).toHaveLength(2);
    await ok.cleanup();
    await refusal(ingest({ items }, { maxTotalPixels: 19_999 }), "payload_too_large");
  });
});

describe("one image under several prompts", () => {
  it("is staged once and listed once per prompt", async () => {
    const img = await png(10, 10, 3);
    const { body, contentType } = formBody((fd) => {
      fd.append(
        "manifest",
        blob(
          jsonl([
            { file: "a.png", prompt: "a cat" },
            { file: "a.png", prompt: "a kitten" },
          ]),
        ),
        "manifest.jsonl",
      );
      fd.append("images", blob(img), "a.png");
    });
    const up = await ingestMultipart(body, contentType, { stagingRoot: stagingRoot() });
    expect(up.items.map((i) => [i.fileName, i.prompt])).toEqual([
      ["a.png", "a cat"],
      ["a.png", "a kitten"],
    ]);
    expect(up.items[0]!.path).toBe(up.items[1]!.path);
    await up.cleanup();
  });
});

describe("decompressed bytes written to staging", () => {
  it("a tar.gz that expands well past the ratio limit but under the old 200:1 stops after about a MiB", async () => {
    // Mostly zeros with a random byte every 64: gzip gets roughly 50:1 on it.
    const filler = (n: number, seed: number) => {
      const b = Buffer.alloc(n);
      let s = seed;
      for (let i = 0; i < n; i += 64) b[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
      return b;
    };
    const items = [
      { name: "manifest.jsonl", data: jsonl([{ file: "a.png", prompt: "p" }]) },
      ...[0, 1, 2, 3].map((k) => ({ name: `junk${k}.png`, data: filler(8 * 1024 * 1024, k + 1) })),
    ];
    const tgz = await tarBuffer(items, true);
    const ratio = gunzipSync(tgz).length / tgz.length;
    expect(ratio).toBeGreaterThan(20);
    expect(ratio).toBeLessThan(200);
    const b = formBody((fd) => fd.append("archive", blob(tgz), "batch.tar.gz"));
    const e = await refusal(
      ingestMultipart(b.body, b.contentType, { stagingRoot: stagingRoot() }),
      "validation_failed",
    );
    expect(e.details).toMatchObject({ limit: "maxCompressionRatio", max: 20 });
    expect(e.message).toMatch(/T2I_MAX_COMPRESSION_RATIO.*refused after 1\.\d MiB/);
    await expectEmpty(stagingRoot());
  }, 60_000);

  it("a zip whose entries together pass the ratio is refused from its central directory", async () => {
    const zero = Buffer.alloc(600 * 1024);
    // Each entry is under the 1 MiB grace of the per-entry check; together they expand far past 20:1.
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "a0.png", prompt: "p" }]) },
      ...[0, 1, 2, 3].map((k) => ({ name: `a${k}.png`, data: zero })),
    ]);
    const b = formBody((fd) => fd.append("archive", blob(zip), "batch.zip"));
    const e = await refusal(
      ingestMultipart(b.body, b.contentType, { stagingRoot: stagingRoot() }),
      "validation_failed",
    );
    expect(e.details).toMatchObject({ limit: "maxCompressionRatio" });
    expect(e.message).toContain("T2I_MAX_COMPRESSION_RATIO");
    await expectEmpty(stagingRoot());
  });
});
