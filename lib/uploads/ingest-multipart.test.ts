import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ingestMultipart } from "./ingest-multipart";
import type { UploadLimits } from "./limits";
import {
  blob,
  expectEmpty,
  formBody,
  jsonl,
  noise,
  png,
  pngDeclaring,
  refusal,
  useStagingRoots,
  type Body,
} from "../../tools/test-support/upload-inputs";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const stagingRoot = useStagingRoots();

const ingest = (b: Body, limits?: Partial<UploadLimits>) =>
  ingestMultipart(b.body, b.contentType, { stagingRoot: stagingRoot(), limits });

/** Manifest + image parts; `images` maps part filename → bytes. */
function manifestForm(
  manifest: Buffer,
  images: Record<string, Buffer>,
  fields: Record<string, string> = {},
  manifestName = "manifest.jsonl",
): Body {
  return formBody((fd) => {
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    fd.append("manifest", blob(manifest), manifestName);
    for (const [name, data] of Object.entries(images)) fd.append("images", blob(data), name);
  });
}

describe("ingestMultipart: manifest + image parts", () => {
  it("stages every listed image with its hash, size and format, and cleanup() removes them", async () => {
    const a = await png(32, 24, 10);
    const b = await noise(20, 30, "jpeg");
    const c = await noise(16, 16, "webp");
    const d = await noise(8, 12, "gif");
    const manifest = jsonl([
      { file: "a.png", prompt: "a red cube", group: "g1", seed: 7 },
      { file: "sub/b.jpg", prompt: "a blue sphere" },
      { file: "c.webp", prompt_id: "p-3" },
      { file: "d.gif", prompt: "a cat" },
    ]);
    const up = await ingest(
      formBody((fd) => {
        fd.append("variant", "cfg-7.5");
        fd.append("steps", "30");
        fd.append("manifest", blob(manifest), "manifest.jsonl");
        fd.append("images", blob(a), "a.png");
        fd.append("files", blob(b), "sub\\b.jpg");
        fd.append("images", blob(c), "c.webp");
        fd.append("images", blob(d), "d.gif");
        fd.append("images", blob(a), "not-listed.png");
      }),
    );
    expect(up.fields).toEqual({ variant: "cfg-7.5", steps: "30" });
    expect(up.items.map(({ path: _p, ...rest }) => rest)).toEqual([
      {
        fileName: "a.png",
        prompt: "a red cube",
        group: "g1",
        seed: 7,
        sha256: sha(a),
        bytes: a.length,
        format: "png",
        width: 32,
        height: 24,
      },
      {
        fileName: "sub/b.jpg",
        prompt: "a blue sphere",
        sha256: sha(b),
        bytes: b.length,
        format: "jpeg",
        width: 20,
        height: 30,
      },
      { fileName: "c.webp", promptId: "p-3", sha256: sha(c), bytes: c.length, format: "webp", width: 16, height: 16 },
      { fileName: "d.gif", prompt: "a cat", sha256: sha(d), bytes: d.length, format: "gif", width: 8, height: 12 },
    ]);
    expect(up.ignoredFiles).toEqual(["not-listed.png"]);
    for (const [item, bytes] of up.items.map((it, i) => [it, [a, b, c, d][i]!] as const)) {
      expect(item.path.startsWith(up.stagingDir + path.sep)).toBe(true);
      expect(await fs.readFile(item.path)).toEqual(bytes);
    }
    // The archive of unlisted parts is not kept on disk.
    const staged = await fs.readdir(path.join(up.stagingDir, "images"));
    expect(staged).toHaveLength(4);
    await up.cleanup();
    await up.cleanup();
    await expectEmpty(stagingRoot());
  });

  it("reads a CSV manifest", async () => {
    const a = await png(4, 4);
    const up = await ingest(
      manifestForm(Buffer.from("file,prompt,seed\na.png,a dog,3\n"), { "a.png": a }, {}, "m.csv"),
    );
    expect(up.items).toMatchObject([{ fileName: "a.png", prompt: "a dog", seed: 3, format: "png" }]);
    await up.cleanup();
  });
});

describe("ingestMultipart refuses hostile and broken input, leaving nothing on disk", () => {
  it("415 for a content type other than multipart/form-data", async () => {
    const e = await refusal(
      ingestMultipart(Readable.from([Buffer.from("{}")]), "application/json", { stagingRoot: stagingRoot() }),
      "unsupported_media_type",
    );
    expect(e.message).toMatch(/multipart\/form-data/);
    await refusal(ingestMultipart(Readable.from([]), null, { stagingRoot: stagingRoot() }), "unsupported_media_type");
    await refusal(
      ingestMultipart(Readable.from([]), "multipart/form-data", { stagingRoot: stagingRoot() }),
      "bad_request",
    );
    await expectEmpty(stagingRoot());
  });

  it("413 for a body over the limit, and stops reading it", async () => {
    let pulled = 0;
    const boundary = "----limit-test";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`;
    const endless = Readable.from(
      (function* () {
        yield Buffer.from(head);
        const chunk = Buffer.alloc(64 * 1024, 7);
        for (;;) {
          pulled += chunk.length;
          yield chunk;
        }
      })(),
    );
    const e = await refusal(
      ingestMultipart(endless, `multipart/form-data; boundary=${boundary}`, {
        stagingRoot: stagingRoot(),
        limits: { maxUploadBytes: 1024 * 1024 },
      }),
      "payload_too_large",
    );
    expect(e.details).toMatchObject({ limit: "maxUploadBytes", max: 1024 * 1024 });
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    await expectEmpty(stagingRoot());
  });

  it("413 for a manifest over its limit", async () => {
    const big = jsonl(Array.from({ length: 500 }, (_, i) => ({ file: `${i}.png`, prompt: "x".repeat(100) })));
    const e = await refusal(ingest(manifestForm(big, {}), { maxManifestBytes: 10_000 }), "payload_too_large");
    expect(e.details).toMatchObject({ limit: "maxManifestBytes" });
    await expectEmpty(stagingRoot());
  });

  it("413 for an over-long text field", async () => {
    const e = await refusal(
      ingest(manifestForm(jsonl([{ file: "a.png", prompt: "x" }]), {}, { variant: "v".repeat(200) }), {
        maxFieldBytes: 100,
      }),
      "payload_too_large",
    );
    expect(e.details).toMatchObject({ limit: "maxFieldBytes", field: "variant" });
    await expectEmpty(stagingRoot());
  });

  it("reports every bad image in one 422: truncated, pixel bomb, text named .png, oversized, duplicated", async () => {
    const good = await png(8, 8);
    const truncatedPng = (await noise(128, 128)).subarray(0, 20_000);
    const bomb = pngDeclaring(await png(1, 1), 100_000, 100_000);
    const text = Buffer.from("this is a text file, not an image\n");
    const big = await noise(256, 256);
    const manifest = jsonl(
      ["ok.png", "cut.png", "bomb.png", "notes.png", "big.png", "twice.png"].map((file) => ({ file, prompt: "p" })),
    );
    const body = formBody((fd) => {
      fd.append("manifest", blob(manifest), "manifest.jsonl");
      fd.append("images", blob(good), "ok.png");
      fd.append("images", blob(truncatedPng), "cut.png");
      fd.append("images", blob(bomb), "bomb.png");
      fd.append("images", blob(text), "notes.png");
      fd.append("images", blob(big), "big.png");
      fd.append("images", blob(good), "twice.png");
      fd.append("images", blob(good), "twice.png");
    });
    const e = await refusal(ingest(body, { maxImageBytes: 100_000 }), "validation_failed");
    const files = (e.details as { files: { file: string; code: string; message: string }[] }).files;
    expect(Object.fromEntries(files.map((f) => [f.file, f.code]))).toEqual({
      "cut.png": "image_unreadable",
      "bomb.png": "image_too_large",
      "notes.png": "image_unsupported_type",
      "big.png": "file_too_large",
      "twice.png": "duplicate_file",
    });
    expect(files.find((f) => f.file === "bomb.png")!.message).toMatch(/100000×100000/);
    expect(e.message).toMatch(/5 files were refused/);
    await expectEmpty(stagingRoot());
  });

  it("422 naming the missing files", async () => {
    const manifest = jsonl([
      { file: "a.png", prompt: "p" },
      { file: "gone.png", prompt: "p" },
      { file: "also-gone.png", prompt: "p" },
    ]);
    const e = await refusal(ingest(manifestForm(manifest, { "a.png": await png(4, 4) })), "validation_failed");
    expect(e.details).toEqual({ missingFiles: ["gone.png", "also-gone.png"] });
    expect(e.message).toMatch(/2 listed files are missing \(gone\.png, also-gone\.png\)/);
    await expectEmpty(stagingRoot());
  });

  it("422 with the line for a 10,000-word prompt", async () => {
    const manifest = jsonl([
      { file: "a.png", prompt: "ok" },
      { file: "b.png", prompt: "word ".repeat(10_000) },
    ]);
    const e = await refusal(ingest(manifestForm(manifest, { "a.png": await png(4, 4) })), "validation_failed");
    expect(e.details).toEqual({ manifest: "manifest.jsonl", line: 2 });
    expect(e.message).toMatch(/line 2: prompt: prompt longer than 10000 characters/);
    await expectEmpty(stagingRoot());
  });

  it("422 with the line for invalid UTF-8 in the manifest", async () => {
    const manifest = Buffer.concat([
      jsonl([
        { file: "a.png", prompt: "ok" },
        { file: "b.png", prompt: "ok" },
      ]),
      Buffer.from('{"file":"c.png","prompt":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    const e = await refusal(ingest(manifestForm(manifest, {})), "validation_failed");
    expect(e.details).toEqual({ manifest: "manifest.jsonl", line: 3 });
    expect(e.message).toMatch(/not valid UTF-8/);
    await expectEmpty(stagingRoot());
  });

  it("422 for rows without a prompt", async () => {
    const e = await refusal(ingest(manifestForm(jsonl([{ file: "a.png" }]), {})), "validation_failed");
    expect(e.message).toMatch(/line 1: needs a prompt/);
    await expectEmpty(stagingRoot());
  });

  it("422 for more images than maxFiles, in parts or in manifest rows", async () => {
    const img = await png(4, 4);
    const rows = jsonl(["a", "b", "c"].map((n) => ({ file: `${n}.png`, prompt: "p" })));
    const e = await refusal(
      ingest(manifestForm(rows, { "a.png": img, "b.png": img, "c.png": img }), { maxFiles: 2 }),
      "validation_failed",
    );
    expect(e.details).toEqual({ limit: "maxFiles", max: 2 });
    const e2 = await refusal(ingest(manifestForm(rows, { "a.png": img }), { maxFiles: 2 }), "validation_failed");
    expect(e2.message).toMatch(/more than 2 rows/);
    await expectEmpty(stagingRoot());
  });

  it("400 for a form with both an archive and a manifest, with neither, or with stray parts", async () => {
    const both = formBody((fd) => {
      fd.append("manifest", blob(jsonl([{ file: "a.png", prompt: "p" }])), "manifest.jsonl");
      fd.append("archive", blob(Buffer.from("PK")), "x.zip");
    });
    expect((await refusal(ingest(both), "bad_request")).message).toMatch(/either an `archive` part or a `manifest`/);
    const neither = formBody((fd) => fd.append("variant", "v"));
    expect((await refusal(ingest(neither), "bad_request")).message).toMatch(/no `archive` or `manifest`/);
    const imagesOnly = formBody((fd) => fd.append("images", blob(Buffer.from("x")), "a.png"));
    expect((await refusal(ingest(imagesOnly), "bad_request")).message).toMatch(/need a `manifest`/);
    const textManifest = formBody((fd) => fd.append("manifest", '{"file":"a.png","prompt":"p"}'));
    expect((await refusal(ingest(textManifest), "bad_request")).message).toMatch(/must be sent as a file part/);
    const stray = formBody((fd) => fd.append("photo", blob(Buffer.from("x")), "a.png"));
    expect((await refusal(ingest(stray), "bad_request")).message).toMatch(/unexpected file part "photo"/);
    await expectEmpty(stagingRoot());
  });

  it("400 for a malformed multipart body", async () => {
    const boundary = "b0und";
    const cut = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="variant"\r\n\r\nv1\r\n--${boundary}\r\nContent-Disposition: form-data; name="manifest"; filename="m.jsonl"\r\n\r\n{"file"`,
    );
    await refusal(
      ingestMultipart(Readable.from([cut]), `multipart/form-data; boundary=${boundary}`, {
        stagingRoot: stagingRoot(),
      }),
      "bad_request",
    );
    await expectEmpty(stagingRoot());
  });

  it("accepts a web ReadableStream and a Node stream alike", async () => {
    const a = await png(4, 4);
    const web = manifestForm(jsonl([{ file: "a.png", prompt: "p" }]), { "a.png": a });
    const node = Readable.fromWeb(web.body as import("node:stream/web").ReadableStream<Uint8Array>);
    const up = await ingestMultipart(node, web.contentType, { stagingRoot: stagingRoot() });
    expect(up.items).toHaveLength(1);
    await up.cleanup();
    await expectEmpty(stagingRoot());
  });
});
