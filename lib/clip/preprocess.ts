// Image preprocessing following the OpenAI CLIP / CLIPImageProcessor pipeline: sharp decodes
// to 8-bit RGB exactly as PIL's convert("RGB") reads the file (./decode-rgb), then the shortest side goes to N with
// PIL-compatible bicubic (./resample), center crop, ×1/255, (x − mean) / std → CHW float32.
import sharp, { type Metadata } from "sharp";
import { decodeRgbLikePil, type RgbImage } from "./decode-rgb";
import { config } from "../core/config";
import type { ImagePipelineSpec } from "./model-folder";
import { resizeBicubicRgb } from "./resample";

export const ACCEPTED_FORMATS = ["png", "jpeg", "webp", "gif"] as const;

export type ImageErrorCode = "image_unreadable" | "image_unsupported_type" | "image_too_large" | "image_aspect_ratio";

export class ImageInputError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ImageInputError";
  }
}

export type ImageInfo = { format: string; width: number; height: number };

// Decoding is the expensive part; sharp runs it on libuv's pool, so keep it from oversubscribing.
sharp.concurrency(1);
sharp.cache(false);

/**
 * Reads the header only: format and size, refusing unsupported types, pixel bombs (over
 * `maxPixels`, T2I_MAX_IMAGE_PIXELS) and extreme shapes (long side over `maxAspectRatio` times
 * the short side, T2I_MAX_ASPECT_RATIO) before decoding. The aspect bound is what bounds the
 * resize: shortest side to N makes N² × aspect ratio pixels (a 1×19000 PNG would become
 * 224×4,256,000). Throws ImageInputError.
 */
export async function inspectImage(
  input: Buffer,
  maxPixels: number,
  maxAspectRatio = config().maxAspectRatio,
): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageInputError("image_unreadable", `not a readable image (${shortSharpMessage(e)})`);
  }
  const format = meta.format ?? "unknown";
  if (!(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    throw new ImageInputError(
      "image_unsupported_type",
      `unsupported image type "${format}"; accepted: PNG, JPEG, WebP, GIF`,
    );
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new ImageInputError("image_unreadable", "image has no size");
  if (width * height > maxPixels) {
    throw new ImageInputError(
      "image_too_large",
      `image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} (T2I_MAX_IMAGE_PIXELS)`,
    );
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > maxAspectRatio) {
    throw new ImageInputError(
      "image_aspect_ratio",
      `image is ${width}×${height}, aspect ratio ${Math.round(ratio * 10) / 10}:1, over the limit of ${maxAspectRatio}:1 (T2I_MAX_ASPECT_RATIO); resizing its short side would cost ${Math.round(ratio)}× the pixels of a square image`,
    );
  }
  return { format, width, height };
}

function shortSharpMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m
    .split("\n")[0]!
    .replace(/^Input buffer /, "")
    .slice(0, 200);
}

/** Output size of CLIPImageProcessor's resize: shortest side to `edge`, the other side truncated. */
export function resizeTarget(width: number, height: number, edge: number): { width: number; height: number } {
  if (width <= height) return { width: edge, height: Math.trunc((edge * height) / width) };
  return { width: Math.trunc((edge * width) / height), height: edge };
}

/** Decodes one image into the normalised CHW tensor data the vision tower expects. */
export async function preprocessImage(
  input: Buffer,
  spec: ImagePipelineSpec,
  maxPixels: number,
): Promise<Float32Array> {
  const info = await inspectImage(input, maxPixels);
  let rgb: RgbImage;
  try {
    // First frame only; read exactly as PIL's convert("RGB") reads it (./decode-rgb).
    rgb = await decodeRgbLikePil(input, maxPixels);
  } catch (e) {
    throw new ImageInputError("image_unreadable", `could not decode ${info.format} image (${shortSharpMessage(e)})`);
  }
  return tensorFromRgb(rgb.data, rgb.width, rgb.height, spec);
}

function tensorFromRgb(data: Uint8Array, width: number, height: number, spec: ImagePipelineSpec): Float32Array {
  const H = spec.cropHeight;
  const W = spec.cropWidth;
  let pixels = data;
  let w = width;
  let h = height;
  if (spec.doResize) {
    ({ width: w, height: h } = resizeTarget(width, height, spec.shortestEdge));
    pixels = resizeBicubicRgb(pixels, width, height, w, h);
  }
  if (spec.doCenterCrop) pixels = centerCrop(pixels, w, h, W, H);
  else if (w !== W || h !== H) pixels = resizeBicubicRgb(pixels, w, h, W, H);
  const out = new Float32Array(3 * H * W);
  const plane = H * W;
  const scale = spec.rescale;
  for (let c = 0; c < 3; c++) {
    const mean = spec.doNormalize ? spec.mean[c]! : 0;
    const inv = spec.doNormalize ? 1 / spec.std[c]! : 1;
    for (let i = 0; i < plane; i++) out[c * plane + i] = (pixels[i * 3 + c]! * scale - mean) * inv;
  }
  return out;
}

/** CLIPImageProcessor's center crop: offsets floor((size − crop) / 2), zero padding when smaller. */
function centerCrop(src: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return src;
  const out = new Uint8Array(W * H * 3);
  const top = Math.floor((h - H) / 2);
  const left = Math.floor((w - W) / 2);
  for (let y = 0; y < H; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < W; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= w) continue;
      const si = (sy * w + sx) * 3;
      const di = (y * W + x) * 3;
      out[di] = src[si]!;
      out[di + 1] = src[si + 1]!;
      out[di + 2] = src[si + 2]!;
    }
  }
  return out;
}
