// Archive type by magic bytes, so a mislabelled upload is still read correctly (and a renamed
// executable is not).
import fs from "node:fs/promises";

export type ArchiveKind = "zip" | "tar" | "tar.gz";

export async function detectArchiveKind(filePath: string): Promise<ArchiveKind | undefined> {
  const fh = await fs.open(filePath, "r");
  let head: Buffer;
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    const sig = head.readUInt32LE(0);
    // Local file header, or the end-of-central-directory record alone (an empty zip).
    if (sig === 0x04034b50 || sig === 0x06054b50) return "zip";
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "tar.gz";
  if (head.length >= 262 && head.toString("latin1", 257, 262) === "ustar") return "tar";
  // An empty tar is nothing but zero blocks; call it a tar so it is refused as empty, not as unknown.
  if (head.length === 512 && head.every((b) => b === 0)) return "tar";
  return undefined;
}
