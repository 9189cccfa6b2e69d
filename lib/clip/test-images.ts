// Procedural test images in the colour modes and formats the evaluator must accept, used by
// the resize-deviation measurement and the tests. Deterministic, no files needed.
import sharp from "sharp";

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
