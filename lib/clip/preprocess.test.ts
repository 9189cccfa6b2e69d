import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { specFor } from "../../scripts/bench/resize-deviation";
import { ImageInputError, inspectImage, preprocessImage, resizeTarget } from "./preprocess";
import { cmykToRgbLikePil } from "./decode-rgb";
import { firstFrameControl } from "./gif-blocks";
import { cmykProfile, encodingImages, modeImages, spliceJpegIcc } from "../../tools/fixtures/test-images";

const PIL = path.resolve("tests/fixtures/pil");
const spec = specFor(32, 32);

function meanAbs(a: Float32Array, b: Float32Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** A valid PNG whose header declares another size (CRC recomputed), for decompression-bomb tests. */
export function pngDeclaring(base: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(base);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  let c = ~0 >>> 0;
  for (const byte of out.subarray(12, 29)) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  out.writeUInt32BE(~c >>> 0, 29);
  return out;
}

describe("preprocessImage", () => {
  const images = fs.readdirSync(PIL).filter((f) => !f.endsWith(".f32"));

  it.each(images)("matches PIL's CLIP preprocessing for %s", async (name) => {
    const ours = await preprocessImage(fs.readFileSync(path.join(PIL, name)), spec, 1e9);
    const ref = new Float32Array(new Uint8Array(fs.readFileSync(path.join(PIL, name + ".pil.f32"))).buffer);
    expect(ours.length).toBe(3 * 32 * 32);
    // Identical 8-bit pixels; only float rounding of the normalisation differs.
    expect(meanAbs(ours, ref)).toBeLessThan(1e-6);
  });

  it("covers every accepted mode, format and PIL-sensitive encoding in the fixtures", async () => {
    const names = [...(await modeImages()), ...(await encodingImages())].map((m) => m.name);
    for (const n of names) expect(images).toContain(n);
  });

  const fixture = (name: string) => fs.readFileSync(path.join(PIL, name));
  const pilTensor = (name: string) => new Float32Array(new Uint8Array(fixture(name + ".pil.f32")).buffer);

  it("converts CMYK like PIL 9.4's cmyk2rgb (R = nk − round(C·nk/255), nk = 255 − K), not through a profile", async () => {
    // Hand-worked: C = 246, K = 176 → nk = 79, t = 246·79 + 128 = 19562, ((76 + 19562) >> 8) = 76 → R = 3.
    expect([
      ...cmykToRgbLikePil(Uint8Array.from([246, 0, 255, 176, 0, 0, 0, 0, 255, 128, 10, 0, 9, 9, 9, 255])),
    ]).toEqual([3, 79, 0, 255, 255, 255, 0, 127, 245, 0, 0, 0]);
    expect((await sharp(fixture("cmyk.jpg")).metadata()).space).toBe("cmyk");
  });

  it("ignores an embedded CMYK profile like PIL (same pixels, same tensor as without it)", async () => {
    const tagged = spliceJpegIcc(fixture("cmyk.jpg"), await cmykProfile());
    expect((await sharp(tagged).metadata()).icc?.length).toBeGreaterThan(100_000);
    const ours = await preprocessImage(tagged, spec, 1e9);
    expect(meanAbs(ours, pilTensor("cmyk.jpg"))).toBeLessThan(1e-6);
  });

  it("ignores an ICC profile on RGB images (the fixtures are Display-P3-tagged, which libvips would convert)", async () => {
    for (const name of ["icc-p3.png", "icc-p3.jpg"]) {
      expect((await sharp(fixture(name)).metadata()).icc?.length).toBeGreaterThan(0);
      expect(meanAbs(await preprocessImage(fixture(name), spec, 1e9), pilTensor(name))).toBeLessThan(1e-6);
    }
  });

  it("keeps the palette colour of a GIF's transparent index, where libvips alone paints it black", async () => {
    const gif = fixture("transparent-index.gif");
    const control = firstFrameControl(gif);
    expect(control && gif[control.packedOffset]! & 1).toBe(1);
    const plain = await sharp(gif).raw().toBuffer({ resolveWithObject: true });
    expect(plain.info.channels).toBe(4);
    expect(plain.data.some((v, i) => i % 4 === 3 && v === 0)).toBe(true);
    expect(meanAbs(await preprocessImage(gif, spec, 1e9), pilTensor("transparent-index.gif"))).toBeLessThan(1e-6);
  });

  it("ignores EXIF orientation, as PIL's Image.open does (the tensor is of the stored, unrotated pixels)", async () => {
    const jpg = fixture("exif-rotated.jpg");
    expect((await sharp(jpg).metadata()).orientation).toBe(6);
    const stored = await sharp(jpg).raw().toBuffer({ resolveWithObject: true });
    expect([stored.info.width, stored.info.height]).toEqual([96, 72]);
    expect(meanAbs(await preprocessImage(jpg, spec, 1e9), pilTensor("exif-rotated.jpg"))).toBeLessThan(1e-6);
  });

  it("keeps the high byte of 16-bit greyscale (the documented difference: PIL clips it), equal to the 8-bit image", async () => {
    const w = 40;
    const h = 30;
    const g8 = Uint8Array.from({ length: w * h }, (_, i) => (i * 7) % 256);
    const g16 = Uint16Array.from(g8, (v) => v * 256 + 0xff);
    const png8 = await sharp(g8, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer();
    const png16 = await sharp(g16, { raw: { width: w, height: h, channels: 1 } })
      .toColourspace("grey16")
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe("ushort");
    expect(meanAbs(await preprocessImage(png16, spec, 1e9), await preprocessImage(png8, spec, 1e9))).toBe(0);
  });

  it("takes the first frame of an animated GIF", async () => {
    const red = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#0000ff" } })
      .png()
      .toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const t = await preprocessImage(gif, spec, 1e9);
    const redLevel = (1 - spec.mean[0]) / spec.std[0];
    expect(t[0]).toBeCloseTo(redLevel, 3);
    expect(t[2 * 32 * 32]).toBeCloseTo((0 - spec.mean[2]) / spec.std[2], 3);
  });

  it("refuses a PNG declaring 100000×100000 pixels before decoding", async () => {
    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } })
      .png()
      .toBuffer();
    const bomb = pngDeclaring(small, 100_000, 100_000);
    await expect(inspectImage(bomb, 40_000_000)).rejects.toMatchObject({ code: "image_too_large" });
    await expect(preprocessImage(bomb, spec, 40_000_000)).rejects.toThrow(/100000×100000 .* over the limit/);
  });

  it("refuses truncated, non-image and unsupported files with a typed error", async () => {
    const png = (await modeImages())[0]!.data;
    const cases: [Buffer, string][] = [
      [png.subarray(0, Math.floor(png.length / 2)), "image_unreadable"],
      [Buffer.from("this is a text file named .png"), "image_unreadable"],
      [Buffer.alloc(0), "image_unreadable"],
      [await sharp(png).tiff().toBuffer(), "image_unsupported_type"],
    ];
    for (const [buf, code] of cases) {
      const err = await preprocessImage(buf, spec, 1e9).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageInputError);
      expect((err as ImageInputError).code).toBe(code);
    }
  });

  it("computes CLIPImageProcessor's resize target (shortest side, other side truncated)", () => {
    expect(resizeTarget(640, 480, 224)).toEqual({ width: 298, height: 224 });
    expect(resizeTarget(480, 800, 224)).toEqual({ width: 224, height: 373 });
    expect(resizeTarget(100, 100, 224)).toEqual({ width: 224, height: 224 });
  });
});
