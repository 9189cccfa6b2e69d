// Procedural test images in the colour modes and formats the evaluator must accept, used by
// the resize-deviation measurement and the tests. Deterministic, no files needed.
import sharp from "sharp";
import { firstFrame } from "./gif-blocks";

export type TestImage = { name: string; data: Buffer };

/** A photo-like RGB image: smooth gradients, hard edges and fine texture (what resizing filters differ on). */
export function photoLikePixels(width: number, height: number, seed = 1): Buffer {
  const px = Buffer.alloc(width * height * 3);
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const ring = Math.sin(40 * Math.hypot(u - 0.3, v - 0.6)) > 0 ? 40 : 0;
      const stripe = Math.floor(x / 7) % 2 === 0 ? 25 : 0;
      const i = (y * width + x) * 3;
      px[i] = Math.min(255, Math.round(200 * u + ring + 20 * rnd()));
      px[i + 1] = Math.min(255, Math.round(180 * v + stripe + 20 * rnd()));
      px[i + 2] = Math.min(255, Math.round(120 + 100 * Math.sin(6 * u * v) + 20 * rnd()));
    }
  }
  return px;
}

function rgb(width: number, height: number, seed = 1) {
  return sharp(photoLikePixels(width, height, seed), { raw: { width, height, channels: 3 } });
}

/** One image per supported mode: 8/16-bit, grey, palette, alpha, and each accepted format. */
export async function modeImages(width = 96, height = 72): Promise<TestImage[]> {
  const alpha = Buffer.alloc(width * height * 4);
  const base = photoLikePixels(width, height, 7);
  for (let i = 0; i < width * height; i++) {
    alpha.set(base.subarray(i * 3, i * 3 + 3), i * 4);
    alpha[i * 4 + 3] = i % width < width / 2 ? 255 : 40;
  }
  const rgba = () => sharp(alpha, { raw: { width, height, channels: 4 } });
  return [
    { name: "rgb.png", data: await rgb(width, height).png().toBuffer() },
    { name: "rgb.jpg", data: await rgb(width, height).jpeg({ quality: 90 }).toBuffer() },
    { name: "rgb.webp", data: await rgb(width, height).webp({ lossless: true }).toBuffer() },
    { name: "rgb.gif", data: await rgb(width, height).gif().toBuffer() },
    { name: "rgba.png", data: await rgba().png().toBuffer() },
    { name: "palette.png", data: await rgb(width, height).png({ palette: true, colours: 64 }).toBuffer() },
    { name: "gray.png", data: await rgb(width, height).grayscale().png().toBuffer() },
    { name: "gray-alpha.png", data: await rgba().toColourspace("b-w").png().toBuffer() },
    { name: "rgb16.png", data: await rgb(width, height).toColourspace("rgb16").png().toBuffer() },
  ];
}

/** Sizes that exercise downscaling, upscaling, both orientations and the identity. */
export const DEVIATION_SIZES: [number, number][] = [
  [640, 480],
  [480, 800],
  [1000, 333],
  [150, 120],
  [224, 224],
  [300, 300],
];

/** Inserts an ICC profile into a JPEG as APP2 "ICC_PROFILE" segments (ICC.1 Annex B.4), pixels untouched. */
export function spliceJpegIcc(jpeg: Buffer, icc: Buffer): Buffer {
  const chunk = 65519;
  const count = Math.ceil(icc.length / chunk);
  const segments: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const data = icc.subarray(i * chunk, (i + 1) * chunk);
    const head = Buffer.alloc(18);
    head.writeUInt16BE(0xffe2, 0);
    head.writeUInt16BE(16 + data.length, 2);
    head.write("ICC_PROFILE\0", 4, "latin1");
    head[16] = i + 1;
    head[17] = count;
    segments.push(head, data);
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** Marks the palette index of the first frame's top-left pixel as transparent (inserting a Graphic Control Extension if needed). */
export async function withTransparentIndex(gif: Buffer): Promise<Buffer> {
  const frame = firstFrame(gif);
  if (!frame || !(gif[10]! & 0x80)) throw new Error("expected a GIF with a global colour table");
  const { data } = await sharp(gif).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const entries = 2 ** ((gif[10]! & 7) + 1);
  let index = -1;
  for (let i = 0; i < entries && index < 0; i++) {
    if (gif[13 + 3 * i] === data[0] && gif[14 + 3 * i] === data[1] && gif[15 + 3 * i] === data[2]) index = i;
  }
  if (index < 0) throw new Error("top-left colour not in the global colour table");
  if (frame.control) {
    const out = Buffer.from(gif);
    out[frame.control.packedOffset] = out[frame.control.packedOffset]! | 1;
    out[frame.control.indexOffset] = index;
    return out;
  }
  const gce = Buffer.from([0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, index, 0x00]);
  return Buffer.concat([gif.subarray(0, frame.imageOffset), gce, gif.subarray(frame.imageOffset)]);
}

/** sharp's built-in CMYK profile (about 1 MB: too big for committed fixtures, fine for measurements). */
export async function cmykProfile(): Promise<Buffer> {
  const tagged = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#808080" } })
    .toColourspace("cmyk")
    .withIccProfile("cmyk")
    .jpeg()
    .toBuffer();
  const icc = (await sharp(tagged).metadata()).icc;
  if (!icc) throw new Error("sharp wrote no CMYK profile");
  return icc;
}

/**
 * Encodings that libvips reads differently from PIL unless told otherwise: CMYK JPEG (without a
 * profile; with sharp's CMYK profile spliced in when `largeProfiles`), Display-P3-tagged PNG and
 * JPEG, a GIF whose top-left palette index is transparent, and a JPEG with EXIF orientation 6.
 */
export async function encodingImages(width = 96, height = 72, opts: { largeProfiles?: boolean } = {}): Promise<TestImage[]> {
  const cmyk = await rgb(width, height, 3).toColourspace("cmyk").jpeg({ quality: 90 }).toBuffer();
  const images: TestImage[] = [
    { name: "cmyk.jpg", data: cmyk },
    { name: "icc-p3.png", data: await rgb(width, height, 4).withIccProfile("p3").png().toBuffer() },
    { name: "icc-p3.jpg", data: await rgb(width, height, 4).withIccProfile("p3").jpeg({ quality: 90 }).toBuffer() },
    { name: "transparent-index.gif", data: await withTransparentIndex(await rgb(width, height, 5).gif().toBuffer()) },
    { name: "exif-rotated.jpg", data: await rgb(width, height, 6).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer() },
  ];
  if (opts.largeProfiles) images.splice(1, 0, { name: "cmyk-icc.jpg", data: spliceJpegIcc(cmyk, await cmykProfile()) });
  return images;
}

/** A 16-bit greyscale PNG (the full 0–65535 range), the one known, documented difference from PIL. */
export async function gray16Png(width = 96, height = 72): Promise<Buffer> {
  return rgb(width, height, 8).toColourspace("grey16").png().toBuffer();
}
