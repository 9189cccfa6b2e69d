// The toy world's scene grammar and its seeded sampler. A scene is a background colour plus
// one to three objects, each a shape in a named colour (with small jitter), a size class and a
// position. Three kinds: "single" (one object in a named region), "group" (two or three
// identical objects scattered), "mixed" (two or three different objects in distinct regions).
// Coordinates are fractions of the (square) scene side; y points down.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** Scene seeds from here on are held out: training sets (tools/toy/write-dataset.ts) stay below, prompts and probes draw above. */
export const HELD_OUT_SEED_BASE = 1_000_000_000;

export type Rgb = readonly [number, number, number];

export const TOY_SHAPES = ["circle", "square", "triangle", "star", "ring"] as const;
export type ToyShape = (typeof TOY_SHAPES)[number];

/** The ten object colours (sRGB before jitter). */
export const TOY_COLOURS = {
  red: [215, 35, 35],
  orange: [245, 135, 25],
  yellow: [240, 215, 30],
  green: [40, 160, 55],
  teal: [25, 160, 160],
  blue: [35, 70, 215],
  purple: [135, 50, 175],
  pink: [245, 120, 185],
  brown: [120, 75, 35],
  grey: [110, 110, 110],
} as const satisfies Record<string, Rgb>;
export type ToyColour = keyof typeof TOY_COLOURS;
export const TOY_COLOUR_NAMES = Object.keys(TOY_COLOURS) as ToyColour[];

export const TOY_BACKGROUNDS = {
  white: [245, 245, 245],
  black: [20, 20, 20],
  beige: [232, 218, 188],
  "light blue": [195, 220, 240],
} as const satisfies Record<string, Rgb>;
export type ToyBackground = keyof typeof TOY_BACKGROUNDS;
export const TOY_BACKGROUND_NAMES = Object.keys(TOY_BACKGROUNDS) as ToyBackground[];

export const TOY_SIZES = { small: [0.085, 0.11], large: [0.16, 0.19] } as const;
export type ToySize = keyof typeof TOY_SIZES;

/** Named regions and their centres; objects are placed within ±REGION_JITTER of the centre. */
export const TOY_REGIONS = {
  left: [0.24, 0.5],
  right: [0.76, 0.5],
  top: [0.5, 0.24],
  bottom: [0.5, 0.76],
  centre: [0.5, 0.5],
} as const satisfies Record<string, readonly [number, number]>;
export type ToyRegion = keyof typeof TOY_REGIONS;
export const TOY_REGION_NAMES = Object.keys(TOY_REGIONS) as ToyRegion[];
const REGION_JITTER = 0.06;
/** Channel jitter of object (±) and background (±) colours, in 8-bit levels. */
const COLOUR_JITTER = 14;
const BACKGROUND_JITTER = 8;

export type ToyObject = {
  shape: ToyShape;
  colour: ToyColour;
  /** The jittered colour actually drawn. */
  rgb: Rgb;
  size: ToySize;
  /** Radius as a fraction of the scene side. */
  r: number;
  x: number;
  y: number;
  /** Set for objects placed in a named region (single and mixed scenes). */
  region?: ToyRegion;
  /** Rotation in radians (stars and triangles only look different under it). */
  angle: number;
};

export type ToySceneKind = "single" | "group" | "mixed";

export type ToyScene = {
  kind: ToySceneKind;
  background: ToyBackground;
  backgroundRgb: Rgb;
  objects: ToyObject[];
};

/** What a caller may pin when sampling (held-out tests pin the attribute they classify). */
export type SceneConstraints = {
  kind?: ToySceneKind;
  count?: 1 | 2 | 3;
  shape?: ToyShape;
  colour?: ToyColour;
  region?: ToyRegion;
  size?: ToySize;
  background?: ToyBackground;
};

export type Rng = { unit: () => number; int: (n: number) => number; pick: <T>(xs: readonly T[]) => T };

/** A seeded stream of uniforms (xoroshiro128+, as the demo drawings use). */
export function makeRng(seed: number): Rng {
  // Consecutive small seeds give correlated first draws in xoroshiro128+; mix them first (murmur3's finaliser).
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  const g = xoroshiro128plus((h ^ (h >>> 16)) >>> 0);
  const unit = () => uniformFloat64(g);
  const int = (n: number) => Math.min(n - 1, Math.floor(unit() * n));
  return { unit, int, pick: (xs) => xs[int(xs.length)]! };
}

const clamp255 = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
function jitter(c: Rgb, amount: number, rng: Rng): Rgb {
  return [
    clamp255(c[0] + (rng.unit() * 2 - 1) * amount),
    clamp255(c[1] + (rng.unit() * 2 - 1) * amount),
    clamp255(c[2] + (rng.unit() * 2 - 1) * amount),
  ];
}

function makeObject(
  rng: Rng,
  shape: ToyShape,
  colour: ToyColour,
  size: ToySize,
  x: number,
  y: number,
  region?: ToyRegion,
): ToyObject {
  const [lo, hi] = TOY_SIZES[size];
  return {
    shape,
    colour,
    rgb: jitter(TOY_COLOURS[colour], COLOUR_JITTER, rng),
    size,
    r: lo + rng.unit() * (hi - lo),
    x,
    y,
    region,
    angle: (rng.unit() * 2 - 1) * 0.35,
  };
}

function inRegion(rng: Rng, region: ToyRegion): [number, number] {
  const [cx, cy] = TOY_REGIONS[region];
  return [cx + (rng.unit() * 2 - 1) * REGION_JITTER, cy + (rng.unit() * 2 - 1) * REGION_JITTER];
}

/**
 * Samples one scene from the grammar; the same seed and constraints give the same scene.
 * Kinds are drawn 45% single, 25% group, 30% mixed unless pinned.
 */
export function sampleScene(seed: number, constraints: SceneConstraints = {}): ToyScene {
  const rng = makeRng(seed);
  const u = rng.unit();
  const count = constraints.count;
  const kind: ToySceneKind =
    constraints.kind ??
    (count === 1
      ? "single"
      : count !== undefined
        ? u < 0.5
          ? "group"
          : "mixed"
        : u < 0.45
          ? "single"
          : u < 0.7
            ? "group"
            : "mixed");
  const background = constraints.background ?? rng.pick(TOY_BACKGROUND_NAMES);
  const backgroundRgb = jitter(TOY_BACKGROUNDS[background], BACKGROUND_JITTER, rng);
  const shape = constraints.shape ?? rng.pick(TOY_SHAPES);
  const colour = constraints.colour ?? rng.pick(TOY_COLOUR_NAMES);
  const objects: ToyObject[] = [];
  if (kind === "single") {
    const region = constraints.region ?? rng.pick(TOY_REGION_NAMES);
    const size = constraints.size ?? rng.pick(["small", "large"] as const);
    const [x, y] = inRegion(rng, region);
    objects.push(makeObject(rng, shape, colour, size, x, y, region));
  } else if (kind === "group") {
    const n = count ?? (rng.unit() < 0.5 ? 2 : 3);
    const size = constraints.size ?? "small";
    // Rejection sampling keeps the objects apart so that a count is visible.
    for (let attempt = 0; objects.length < n && attempt < 500; attempt++) {
      const r = TOY_SIZES[size][1];
      const x = r + 0.03 + rng.unit() * (1 - 2 * (r + 0.03));
      const y = r + 0.03 + rng.unit() * (1 - 2 * (r + 0.03));
      if (objects.every((o) => Math.hypot(o.x - x, o.y - y) > 2 * r + 0.06))
        objects.push(makeObject(rng, shape, colour, size, x, y));
    }
    if (objects.length < n) throw new Error(`could not place ${n} ${size} objects apart`);
  } else {
    const n = count ?? (rng.unit() < 0.6 ? 2 : 3);
    const regions = TOY_REGION_NAMES.filter((r) => r !== "centre");
    const pickedRegions: ToyRegion[] = [];
    while (pickedRegions.length < n) {
      const r = regions[rng.int(regions.length)]!;
      if (!pickedRegions.includes(r)) pickedRegions.push(r);
    }
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      let s = i === 0 ? shape : rng.pick(TOY_SHAPES);
      let c = i === 0 ? colour : rng.pick(TOY_COLOUR_NAMES);
      while (used.has(`${c} ${s}`)) {
        s = rng.pick(TOY_SHAPES);
        c = rng.pick(TOY_COLOUR_NAMES);
      }
      used.add(`${c} ${s}`);
      const [x, y] = inRegion(rng, pickedRegions[i]!);
      objects.push(makeObject(rng, s, c, "small", x, y, pickedRegions[i]));
    }
  }
  return { kind, background, backgroundRgb, objects };
}
