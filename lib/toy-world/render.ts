// The one toy-world renderer: a scene to raw RGB (2×2 supersampled edges) and to PNG. Used
// for the training dataset, the held-out test scenes and (later) the toy generators.
import sharp from "sharp";
import type { Rgb, ToyObject, ToyScene, ToyShape } from "./scene";

export const TOY_IMAGE_SIZE = 64;

/** (u, v): the point in the object's frame, scaled so that the shape's radius is 1. */
function inside(shape: ToyShape, u: number, v: number): boolean {
  switch (shape) {
    case "circle":
      return u * u + v * v <= 1;
    case "square":
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    case "triangle":
      // Upright, centroid at the origin.
      return v <= 0.6 && v >= -1 && Math.abs(u) <= ((v + 1) / 1.6) * 0.92;
    case "star": {
      const r = Math.hypot(u, v);
      const a = Math.atan2(v, u) + Math.PI / 2;
      return r <= 0.45 + 0.55 * Math.abs(Math.cos(2.5 * a)) ** 3;
    }
    case "ring": {
      const d = u * u + v * v;
      return d <= 1 && d >= 0.36;
    }
  }
}

export type RenderOptions = {
  /** Canvas width and height in pixels; the scene is the centred square of side min(w, h). */
  width?: number;
  height?: number;
};

function covers(o: ToyObject, x: number, y: number): boolean {
  const du = (x - o.x) / o.r;
  const dv = (y - o.y) / o.r;
  if (du < -1.05 || du > 1.05 || dv < -1.05 || dv > 1.05) return false;
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  return inside(o.shape, c * du + s * dv, -s * du + c * dv);
}

/**
 * Raw RGB bytes (row-major, width × height × 3). A non-square canvas extends the background
 * around the centred square scene, which is what the evaluator's centre crop recovers.
 */
export function renderScenePixels(scene: ToyScene, opts: RenderOptions = {}): Buffer {
  const W = opts.width ?? TOY_IMAGE_SIZE;
  const H = opts.height ?? W;
  const side = Math.min(W, H);
  const ox = (W - side) / 2;
  const oy = (H - side) / 2;
  const px = Buffer.alloc(W * H * 3);
  const sub = [0.25, 0.75];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const sy of sub) {
        for (const sx of sub) {
          const fx = (x + sx - ox) / side;
          const fy = (y + sy - oy) / side;
          let c: Rgb = scene.backgroundRgb;
          // Later objects are drawn over earlier ones.
          for (const o of scene.objects) if (covers(o, fx, fy)) c = o.rgb;
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const i = (y * W + x) * 3;
      px[i] = Math.round(r / 4);
      px[i + 1] = Math.round(g / 4);
      px[i + 2] = Math.round(b / 4);
    }
  }
  return px;
}

/** PNG of renderScenePixels (sharp's encoder is deterministic for equal pixels). */
export async function renderScenePng(scene: ToyScene, opts: RenderOptions = {}): Promise<Buffer> {
  const W = opts.width ?? TOY_IMAGE_SIZE;
  const H = opts.height ?? W;
  return sharp(renderScenePixels(scene, opts), { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
