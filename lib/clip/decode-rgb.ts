// Decodes an image to 8-bit RGB the way the reference pipeline reads it: PIL 9.4's
// Image.open(f).convert("RGB"), which HF CLIPImageProcessor calls. PIL does no colour
// management, so neither do we; every decode path where libvips' default differs is handled here
// and measured by `npm run resize-deviation`:
//   - embedded ICC profiles (PNG, JPEG, WebP) are ignored: raw pixel values, never transformed;
//   - CMYK JPEG: raw CMYK (Adobe-inverted like PIL's "CMYK;I"), then PIL's plain conversion
//     (cmykToRgbLikePil below), not libvips' ICC conversion;
//   - GIF whose first frame has a transparent palette index: PIL keeps that index's palette colour
//     (convert("RGB") ignores transparency), libvips would paint it black; we clear the flag;
//   - EXIF orientation is ignored (Image.open does not apply it; neither does sharp without autoOrient);
//   - alpha is dropped, not composited, like convert("RGB").
// Deliberate difference: 16-bit greyscale PNG keeps the high byte (PIL clips every value > 255 to
// white); docs/reference/evaluators.md gives its measured size.
import sharp, { type SharpOptions } from "sharp";
import { firstFrameControl } from "./gif-blocks";

/** The sharp input options every decode of user images uses (scoring and upload checks alike). */
export function pilLikeInput(maxPixels: number): SharpOptions {
  return { pages: 1, limitInputPixels: maxPixels, failOn: "error", ignoreIcc: true };
}

export type RgbImage = { data: Buffer; width: number; height: number };

/** Decodes the first frame to interleaved 8-bit RGB (width·height·3 bytes). Throws sharp's error on corrupt input. */
export async function decodeRgbLikePil(input: Buffer, maxPixels: number): Promise<RgbImage> {
  const meta = await sharp(input, { limitInputPixels: false }).metadata();
  if (meta.space === "cmyk") {
    const cmyk = await sharp(input, pilLikeInput(maxPixels))
      .pipelineColourspace("cmyk")
      .toColourspace("cmyk")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (cmyk.info.channels !== 4) throw new Error(`CMYK image decoded to ${cmyk.info.channels} channels, expected 4`);
    return { data: cmykToRgbLikePil(cmyk.data), width: cmyk.info.width, height: cmyk.info.height };
  }
  const source = meta.format === "gif" ? withoutFirstFrameTransparency(input) : input;
  const rgb = await sharp(source, pilLikeInput(maxPixels))
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (rgb.info.channels !== 3) throw new Error(`decoded to ${rgb.info.channels} channels, expected 3`);
  return { data: rgb.data, width: rgb.info.width, height: rgb.info.height };
}

/**
 * PIL 9.4's CMYK → RGB (libImaging/Convert.c, cmyk2rgb): with nk = 255 − K,
 * R = nk − MULDIV255(C, nk), likewise G from M and B from Y, where
 * MULDIV255(a, b) = ((t >> 8) + t) >> 8 with t = a·b + 128 (a rounded a·b/255).
 * Checked against PIL on all 65,536 (C, K) pairs. Input: interleaved CMYK bytes; output: RGB bytes.
 */
export function cmykToRgbLikePil(cmyk: Uint8Array): Buffer {
  const n = cmyk.length >> 2;
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const nk = 255 - cmyk[i * 4 + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = cmyk[i * 4 + c]! * nk + 128;
      out[i * 3 + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return out;
}

/** A copy of the GIF with the first frame's transparency flag cleared (the input itself when it has none). */
function withoutFirstFrameTransparency(gif: Buffer): Buffer {
  const gce = firstFrameControl(gif);
  if (!gce || (gif[gce.packedOffset]! & 1) === 0) return gif;
  const copy = Buffer.from(gif);
  copy[gce.packedOffset] = copy[gce.packedOffset]! & ~1;
  return copy;
}
