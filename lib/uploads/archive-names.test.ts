// Archive entry names as tools write them: UTF-8 without the zip UTF-8 flag (macOS, decomposed),
// compared after NFC on both sides; a missing file says what it nearly matched.
import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { zipEntryName } from "./extract-zip";
import { ingestMultipart } from "./ingest-multipart";
import {
  blob,
  formBody,
  jsonl,
  png,
  refusal,
  useStagingRoots,
  zipBuffer,
} from "../../tools/test-support/upload-inputs";
import { nearMisses } from "./verify-images";

const stagingRoot = useStagingRoots();

/** Clears the UTF-8 flag (bit 11) in every local and central header, as macOS's Archive Utility leaves it. */
function withoutUtf8Flag(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (const [sig, at] of [
    [0x04034b50, 6],
    [0x02014b50, 8],
  ] as const) {
    const s = Buffer.alloc(4);
    s.writeUInt32LE(sig);
    for (let i = out.indexOf(s); i !== -1; i = out.indexOf(s, i + 4))
      out.writeUInt16LE(out.readUInt16LE(i + at) & ~0x800, i + at);
  }
  return out;
}

function upload(archive: Buffer) {
  const b = formBody((fd) => fd.append("archive", blob(archive), "batch.zip"));
  return ingestMultipart(b.body, b.contentType, { stagingRoot: stagingRoot() });
}

describe("zip entry names", () => {
  it("reads UTF-8 names without the UTF-8 flag as UTF-8, and CP437 when they are not UTF-8", () => {
    const raw = Buffer.from("cafe\u0301.png", "utf8");
    expect(zipEntryName({ generalPurposeBitFlag: 0, fileNameRaw: raw, extraFields: [] })).toBe("cafe\u0301.png");
    // 0x82 alone is not UTF-8; in CP437 it is "é".
    expect(
      zipEntryName({ generalPurposeBitFlag: 0, fileNameRaw: Buffer.from([0x63, 0x61, 0x66, 0x82]), extraFields: [] }),
    ).toBe("café");
  });

  it("matches a decomposed (NFD) unflagged entry to a composed (NFC) manifest name", async () => {
    const img = await png(8, 8, 5);
    const zip = withoutUtf8Flag(
      await zipBuffer([
        { name: "manifest.jsonl", data: jsonl([{ file: "caf\u00e9/\u00e9t\u00e9.png", prompt: "summer" }]) },
        { name: "cafe\u0301/e\u0301te\u0301.png", data: img },
      ]),
    );
    expect(zip.includes(Buffer.from("cafe\u0301/", "utf8"))).toBe(true);
    const up = await upload(zip);
    expect(up.items.map((i) => i.fileName)).toEqual(["caf\u00e9/\u00e9t\u00e9.png"]);
    expect(await fs.readFile(up.items[0]!.path)).toEqual(img);
    await up.cleanup();
  });

  it("a missing file names what it nearly matched", async () => {
    const img = await png(8, 8, 6);
    const zip = await zipBuffer([
      { name: "manifest.jsonl", data: jsonl([{ file: "Photo1.PNG", prompt: "p" }]) },
      { name: "photos/photo1.png", data: img },
    ]);
    const e = await refusal(upload(zip), "validation_failed");
    expect(e.message).toContain('"Photo1.PNG" nearly matches "photos/photo1.png"');
    expect(e.details).toMatchObject({
      missingFiles: ["Photo1.PNG"],
      nearMisses: [{ file: "Photo1.PNG", nearest: "photos/photo1.png" }],
    });
  });

  it("near misses: case, folder, extension; nothing for unrelated names", () => {
    expect(nearMisses(["a/B.png", "c.jpg", "zzz.png"], ["a/b.png", "x/c.jpg", "c.jpeg"])).toEqual([
      { file: "a/B.png", nearest: "a/b.png" },
      { file: "c.jpg", nearest: "x/c.jpg" },
    ]);
    expect(nearMisses(["d.png"], ["d.webp"])).toEqual([{ file: "d.png", nearest: "d.webp" }]);
  });

  it("a part named with a full Windows path gets a hint to send the file name only", async () => {
    const img = await png(8, 8, 7);
    const b = formBody((fd) => {
      fd.append("manifest", blob(jsonl([{ file: "a.png", prompt: "p" }])), "manifest.jsonl");
      fd.append("images", blob(img), "C:\\Users\\me\\samples\\a.png");
    });
    const e = await refusal(
      ingestMultipart(b.body, b.contentType, { stagingRoot: stagingRoot() }),
      "validation_failed",
    );
    // Before: "1 listed file is missing (a.png)" and nothing more.
    expect(e.details).toMatchObject({
      missingFiles: ["a.png"],
      nearMisses: [{ file: "a.png", nearest: "C:\\Users\\me\\samples\\a.png" }],
    });
    expect(e.message).toMatch(
      /"a\.png" nearly matches the part named "C:\\Users\\me\\samples\\a\.png", a full path, which was not used: name each image part by its file name only/,
    );
  });
});
