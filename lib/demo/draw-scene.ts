// Procedural stand-ins for text-to-image samples: a scene (sky and ground bands and a few
// shapes) drawn with a `spread` in [0, 1] that says how far one sample strays from the
// scene's canonical layout: camera shift and zoom, per-object position, size and colour,
// mirrored compositions, off-prompt colours and shapes, pixel noise. Spread 0 draws the
// canonical scene (plus faint noise). Deterministic for a given seed; the seed fixes the
// *direction* of every deviation and the spread its size, so one seed drawn at several
// spreads gives the same composition, more or less exaggerated, like one sampler seed swept
// over guidance scales.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import sharp from "sharp";

export type Rgb = readonly [number, number, number];

export const SCENE_SHAPES = ["circle", "square", "triangle", "star", "diamond", "ring"] as const;
export type SceneShape = (typeof SCENE_SHAPES)[number];

/** Coordinates are fractions of the image side; r is the half-height, aspect = width / height. */
export type SceneObject = { shape: SceneShape; color: Rgb; x: number; y: number; r: number; aspect?: number };

export type Scene = { sky: Rgb; ground: Rgb; /** Fraction of the height where the ground starts. */ horizon: number; objects: readonly SceneObject[] };

export type DrawSceneSpec = {
  scene: Scene;
  seed: number;
  spread: number;
  /** Side in pixels (square images). */
  size?: number;
  /** Colours an object may drift to at high spread; without one, colours only jitter. */
  palette?: readonly Rgb[];
};

// Maximum deviations at spread 1.
const MAX = {
  background: 60,
  horizon: 0.2,
  camera: 0.18,
  zoom: 0.3,
  position: 0.12,
  size: 0.35,
  color: 80,
  offPrompt: 0.35,
  shapeSwap: 0.25,
  mirror: 0.5,
  noise: 40,
} as const;
const MIN_NOISE = 4;

function inside(shape: SceneShape, u: number, v: number): boolean {
  // (u, v) in the object's box scaled to [-1, 1]², v pointing down.
  switch (shape) {
    case "circle":
      return u * u + v * v <= 1;
    case "square":
      return Math.abs(u) <= 1 && Math.abs(v) <= 1;
    case "triangle":
      return v <= 1 && v >= -1 && Math.abs(u) <= (v + 1) / 2;
    case "star": {
      const r = Math.hypot(u, v);
      return r <= 0.5 + 0.5 * Math.cos(2.5 * (Math.atan2(v, u) + Math.PI / 2)) ** 2;
    }
    case "diamond":
      return Math.abs(u) + Math.abs(v) <= 1;
    case "ring": {
      const d = u * u + v * v;
      return d <= 1 && d >= 0.4;
    }
  }
}

const clamp255 = (x: number) => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));

type Placed = { shape: SceneShape; color: Rgb; cx: number; cy: number; hw: number; hh: number };

/** Draws one sample as raw RGB bytes (size × size × 3, row-major). */
export function drawScenePixels(spec: DrawSceneSpec): Buffer {
  const size = spec.size ?? 64;
  const s = Math.min(1, Math.max(0, spec.spread));
  const rng = xoroshiro128plus(spec.seed >>> 0);
  // Every draw is taken whatever the spread, so that the seed alone fixes each deviation's direction.
  const sym = () => uniformFloat64(rng) * 2 - 1;
  const unit = () => uniformFloat64(rng);
  const jitterRgb = (c: Rgb, amount: number): Rgb => [c[0] + sym() * amount, c[1] + sym() * amount, c[2] + sym() * amount];

  const { scene } = spec;
  const sky = jitterRgb(scene.sky, MAX.background * s);
  const ground = jitterRgb(scene.ground, MAX.background * s);
  const horizon = (scene.horizon + sym() * MAX.horizon * s) * size;
  const camX = sym() * MAX.camera * s;
  const camY = sym() * MAX.camera * s;
  const zoom = 1 + sym() * MAX.zoom * s;
  const mirror = unit() < MAX.mirror * s;

  const placed: Placed[] = scene.objects.map((o) => {
    const dx = sym() * MAX.position * s;
    const dy = sym() * MAX.position * s;
    const scale = zoom * (1 + sym() * MAX.size * s);
    let color = jitterRgb(o.color, MAX.color * s);
    const offColor = unit() < MAX.offPrompt * s;
    const colorPick = unit();
    if (offColor && spec.palette && spec.palette.length > 0) color = jitterRgb(spec.palette[Math.floor(colorPick * spec.palette.length)]!, MAX.color * s);
    const swap = unit() < MAX.shapeSwap * s;
    const shapePick = unit();
    const shape = swap ? SCENE_SHAPES[Math.floor(shapePick * SCENE_SHAPES.length)]! : o.shape;
    const x = mirror ? 1 - o.x : o.x;
    const hh = o.r * scale * size;
    return { shape, color, cx: (x + camX + dx) * size, cy: (o.y + camY + dy) * size, hw: hh * (o.aspect ?? 1), hh };
  });

  const noise = MIN_NOISE + MAX.noise * s;
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    const py = y + 0.5;
    for (let x = 0; x < size; x++) {
      const pxx = x + 0.5;
      let c: Rgb = py < horizon ? sky : ground;
      // Later objects are drawn over earlier ones.
      for (const p of placed) {
        const u = (pxx - p.cx) / p.hw;
        const v = (py - p.cy) / p.hh;
        if (u >= -1 && u <= 1 && v >= -1 && v <= 1 && inside(p.shape, u, v)) c = p.color;
      }
      const i = (y * size + x) * 3;
      // rng.next() is a signed 32-bit integer: / 2^31 maps it to [-1, 1).
      px[i] = clamp255(c[0] + (rng.next() / 2147483648) * noise);
      px[i + 1] = clamp255(c[1] + (rng.next() / 2147483648) * noise);
      px[i + 2] = clamp255(c[2] + (rng.next() / 2147483648) * noise);
    }
  }
  return px;
}

/** Draws one sample and encodes it as PNG (sharp's encoder is deterministic for equal pixels). */
export async function drawScenePng(spec: DrawSceneSpec): Promise<Buffer> {
  const size = spec.size ?? 64;
  return sharp(drawScenePixels(spec), { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
