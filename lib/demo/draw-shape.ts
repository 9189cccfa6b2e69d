// Procedurally drawn sample images (a coloured shape on a background) for the bundled
// example and demo data: deterministic for a given seed, no network, no model needed.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import sharp from "sharp";

export const SHAPES = ["square", "circle", "triangle", "star"] as const;
export type Shape = (typeof SHAPES)[number];

export const COLORS = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 220],
  yellow: [235, 200, 40],
  purple: [140, 60, 180],
  orange: [245, 130, 30],
  white: [245, 245, 245],
  black: [20, 20, 20],
} as const satisfies Record<string, [number, number, number]>;
export type ColorName = keyof typeof COLORS;

export type DrawSpec = {
  shape: Shape;
  color: ColorName;
  background?: [number, number, number];
  size?: number;
  seed: number;
  /** 0 = shape always centred and equally sized; 1 = free position, size and noise. */
  spread?: number;
};

function inside(shape: Shape, x: number, y: number): boolean {
  // (x, y) in [-1, 1]² relative to the shape's box.
  switch (shape) {
    case "square":
      return Math.abs(x) <= 1 && Math.abs(y) <= 1;
    case "circle":
      return x * x + y * y <= 1;
    case "triangle":
      return y <= 1 && y >= -1 && Math.abs(x) <= (y + 1) / 2;
    case "star": {
      const r = Math.hypot(x, y);
      const a = Math.atan2(y, x);
      return r <= 0.55 + 0.45 * Math.cos(5 * a) ** 2;
    }
  }
}

/** Draws one RGB image and encodes it as PNG. */
export async function drawShapePng(spec: DrawSpec): Promise<Buffer> {
  const size = spec.size ?? 64;
  const spread = spec.spread ?? 0.5;
  const rng = xoroshiro128plus(spec.seed >>> 0);
  const rand = () => uniformFloat64(rng);
  const bg = spec.background ?? [
    200 + Math.round(40 * rand() * spread),
    200 + Math.round(40 * rand() * spread),
    200 + Math.round(40 * rand() * spread),
  ];
  const fg = COLORS[spec.color];
  const half = size * (0.28 + 0.12 * (rand() - 0.5) * 2 * spread);
  const cx = size / 2 + (rand() - 0.5) * size * 0.4 * spread;
  const cy = size / 2 + (rand() - 0.5) * size * 0.4 * spread;
  const noise = 30 * spread;
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = inside(spec.shape, (x + 0.5 - cx) / half, (y + 0.5 - cy) / half);
      const base = on ? fg : bg;
      for (let c = 0; c < 3; c++) {
        const v = base[c]! + (rand() - 0.5) * noise;
        px[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return sharp(px, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
}
