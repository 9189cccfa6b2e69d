// Builders for the upload tests, unit and e2e (not part of the public API): images, multipart
// bodies, zips and tars, including the hostile ones no well-behaved tool would write.
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createGzip } from "node:zlib";
import sharp from "sharp";
import tar from "tar-stream";
import yazl from "yazl";

export async function tempDir(prefix = "t2i-uploads-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A flat-colour PNG; different colours give different hashes. */
export function png(width: number, height: number, shade = 0): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: 255 - shade, b: 90 } } })
    .png()
    .toBuffer();
}

/** Incompressible pixels, so the encoded file is large enough to cut in half meaningfully. */
export function noise(width: number, height: number, format: "png" | "jpeg" | "webp" | "gif" = "png"): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  let x = 2463534242;
  for (let i = 0; i < px.length; i++) {
    // xorshift32: cheap, and random enough that no codec can shrink it.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    px[i] = x & 255;
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

/** A PNG whose header declares another size (CRC recomputed): a pixel bomb that needs no memory to make. */
export function pngDeclaring(base: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(base);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

export const jsonl = (rows: object[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");

export type Body = { body: ReadableStream<Uint8Array>; contentType: string };

/** A multipart body exactly as a browser or fetch() would send it. */
export function formBody(build: (fd: FormData) => void): Body {
  const fd = new FormData();
  build(fd);
  const req = new Request("http://localhost/api/v1/runs", { method: "POST", body: fd });
  return { body: req.body!, contentType: req.headers.get("content-type")! };
}

export const blob = (b: Buffer | Uint8Array) => new Blob([new Uint8Array(b)]);

export async function collect(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** `bytes` zeros in 1 MiB chunks, never held whole. */
export function zeros(bytes: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  return Readable.from(
    (function* () {
      for (let left = bytes; left > 0; left -= chunk.length)
        yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    })(),
  );
}

export type ZipItem = {
  name: string;
  data?: Buffer;
  stream?: Readable;
  mode?: number;
  dir?: boolean;
  compress?: boolean;
};

/**
 * Builds a zip with yazl. yazl refuses names like "../x" and "C:\\x", so those are written under a
 * same-length placeholder and patched in the finished bytes (names are stored uncompressed).
 */
export async function zipFile(items: ZipItem[], dest?: string): Promise<Buffer | string> {
  const zip = new yazl.ZipFile();
  const patches: [Buffer, Buffer][] = [];
  items.forEach((it, i) => {
    let name = it.name;
    const needsPatch = name.includes("..") || name.includes("\\") || /^([A-Za-z]:|\/)/.test(name);
    if (needsPatch) {
      if (dest || Buffer.byteLength(name) !== name.length || name.length < 4)
        throw new Error(`cannot patch in ${name}`);
      name = `Q${i}_${"q".repeat(name.length)}`.slice(0, name.length);
      patches.push([Buffer.from(name), Buffer.from(it.name)]);
    }
    if (it.dir) zip.addEmptyDirectory(name);
    else if (it.stream) zip.addReadStream(it.stream, name, { mode: it.mode, compress: it.compress ?? true });
    else zip.addBuffer(it.data ?? Buffer.alloc(0), name, { mode: it.mode, compress: it.compress ?? true });
  });
  zip.end();
  if (dest) {
    await pipeline(zip.outputStream as unknown as Readable, createWriteStream(dest));
    return dest;
  }
  const out = await collect(zip.outputStream as unknown as Readable);
  for (const [from, to] of patches) replaceAll(out, from, to);
  return out;
}

export async function zipBuffer(items: ZipItem[]): Promise<Buffer> {
  return (await zipFile(items)) as Buffer;
}

function replaceAll(buf: Buffer, from: Buffer, to: Buffer): void {
  for (let i = buf.indexOf(from); i !== -1; i = buf.indexOf(from, i + to.length)) to.copy(buf, i);
}

/** Rewrites an entry's uncompressed size in the central directory: a zip that lies about its contents. */
export function patchZipDeclaredSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (
    let i = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    i !== -1;
    i = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)
  ) {
    const n = out.readUInt16LE(i + 28);
    if (out.toString("utf8", i + 46, i + 46 + n) === name) {
      out.writeUInt32LE(size, i + 24);
      return out;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}

export type TarItem = {
  name: string;
  data?: Buffer;
  type?: "file" | "directory" | "symlink" | "link" | "character-device";
  linkname?: string;
  size?: number;
  stream?: Readable;
};

/** Builds a tar (optionally gzipped) with tar-stream, into a buffer or streamed to `dest`. */
export async function tarFile(
  items: TarItem[],
  opts: { gzip?: boolean; dest?: string } = {},
): Promise<Buffer | string> {
  const pack = tar.pack();
  const out = opts.gzip ? (pack.pipe(createGzip()) as unknown as Readable) : (pack as unknown as Readable);
  const done = opts.dest ? pipeline(out, createWriteStream(opts.dest)).then(() => opts.dest!) : collect(out);
  for (const it of items) {
    const type = it.type ?? "file";
    if (it.stream) {
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ name: it.name, size: it.size, type }, (err) => (err ? reject(err) : resolve()));
        it.stream!.pipe(sink as unknown as NodeJS.WritableStream);
      });
    } else if (type === "file") {
      pack.entry({ name: it.name, type }, it.data ?? Buffer.alloc(0));
    } else {
      pack.entry({ name: it.name, type, linkname: it.linkname });
    }
  }
  pack.finalize();
  return done;
}

export async function tarBuffer(items: TarItem[], gzip = false): Promise<Buffer> {
  return (await tarFile(items, { gzip })) as Buffer;
}
