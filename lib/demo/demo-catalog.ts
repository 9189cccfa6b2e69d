// What the demo data consists of: the `unclip-demo` prompt set (prompts from the unCLIP /
// DALL·E 2 discussion, each mapped to a drawable scene), one demo variant per conditioning
// type, and the guidance sweep. How far one prompt's samples stray from its scene (the
// "spread") falls with guidance at a per-variant rate, so the demo leaderboard shows
// diversity–guidance curves of different steepness, as real conditioning variants do.
import type { ConditioningType } from "../../db/schema";
import type { Rgb, Scene } from "./draw-scene";

export const DEMO_PROMPT_SET = "unclip-demo";

export const DEMO_GUIDANCE_SCALES = [1, 2, 3, 5, 8] as const;
export const DEMO_SAMPLES_PER_PROMPT = 4;
export const DEMO_IMAGE_SIZE = 64;

const C = {
  red: [210, 40, 40],
  green: [40, 150, 60],
  grass: [110, 170, 70],
  blue: [50, 90, 210],
  sky: [150, 200, 240],
  yellow: [240, 205, 50],
  orange: [235, 130, 40],
  brown: [130, 85, 45],
  white: [245, 245, 245],
  black: [25, 25, 30],
  grey: [150, 150, 155],
  purple: [120, 60, 170],
  pink: [240, 175, 190],
  beige: [228, 214, 190],
  navy: [20, 25, 60],
  cyan: [60, 200, 210],
} as const satisfies Record<string, Rgb>;

/** Colours an off-prompt sample may take instead of the scene's (low guidance drifts). */
export const DEMO_PALETTE: readonly Rgb[] = Object.values(C);

export type DemoPrompt = { id: string; prompt: string; category: string; scene: Scene };

export const DEMO_PROMPTS: readonly DemoPrompt[] = [
  {
    id: "roses-vase",
    prompt: "A green vase filled with red roses sitting on top of table",
    category: "still life",
    scene: {
      sky: C.beige,
      ground: C.brown,
      horizon: 0.72,
      objects: [
        { shape: "square", color: C.green, x: 0.5, y: 0.6, r: 0.13, aspect: 0.7 },
        { shape: "circle", color: C.red, x: 0.4, y: 0.33, r: 0.08 },
        { shape: "circle", color: C.red, x: 0.52, y: 0.26, r: 0.08 },
        { shape: "circle", color: C.red, x: 0.61, y: 0.36, r: 0.08 },
      ],
    },
  },
  {
    id: "corgi-trumpet",
    prompt: "a corgi playing a flame throwing trumpet",
    category: "animals",
    scene: {
      sky: C.sky,
      ground: C.grass,
      horizon: 0.7,
      objects: [
        { shape: "circle", color: C.orange, x: 0.38, y: 0.62, r: 0.14, aspect: 1.4 },
        { shape: "circle", color: C.orange, x: 0.28, y: 0.42, r: 0.1 },
        { shape: "triangle", color: C.yellow, x: 0.62, y: 0.5, r: 0.09 },
        { shape: "star", color: C.red, x: 0.8, y: 0.42, r: 0.1 },
      ],
    },
  },
  {
    id: "astronaut-horse",
    prompt: "an astronaut riding a horse in photorealistic style",
    category: "space",
    scene: {
      sky: C.navy,
      ground: C.grey,
      horizon: 0.78,
      objects: [
        { shape: "square", color: C.brown, x: 0.5, y: 0.62, r: 0.12, aspect: 1.6 },
        { shape: "circle", color: C.white, x: 0.5, y: 0.38, r: 0.09 },
        { shape: "circle", color: C.blue, x: 0.8, y: 0.18, r: 0.07 },
      ],
    },
  },
  {
    id: "shiba-beret",
    prompt: "a shiba inu wearing a beret and black turtleneck",
    category: "animals",
    scene: {
      sky: C.pink,
      ground: C.black,
      horizon: 0.8,
      objects: [
        { shape: "circle", color: C.orange, x: 0.5, y: 0.5, r: 0.22 },
        { shape: "triangle", color: C.orange, x: 0.33, y: 0.3, r: 0.08 },
        { shape: "triangle", color: C.orange, x: 0.67, y: 0.3, r: 0.08 },
        { shape: "circle", color: C.red, x: 0.5, y: 0.22, r: 0.08, aspect: 2 },
      ],
    },
  },
  {
    id: "dog-lake",
    prompt: "a high quality photo of a dog playing in a green field next to a lake",
    category: "landscape",
    scene: {
      sky: C.sky,
      ground: C.grass,
      horizon: 0.5,
      objects: [
        { shape: "circle", color: C.blue, x: 0.72, y: 0.68, r: 0.1, aspect: 2 },
        { shape: "circle", color: C.orange, x: 0.3, y: 0.72, r: 0.07, aspect: 1.5 },
      ],
    },
  },
  {
    id: "fox-monet",
    prompt: "a painting of a fox sitting in a field at sunrise in the style of Claude Monet",
    category: "art style",
    scene: {
      sky: [245, 175, 130],
      ground: [140, 170, 80],
      horizon: 0.6,
      objects: [
        { shape: "circle", color: C.yellow, x: 0.72, y: 0.42, r: 0.1 },
        { shape: "triangle", color: C.orange, x: 0.35, y: 0.68, r: 0.12 },
      ],
    },
  },
  {
    id: "teddy-skateboard",
    prompt: "a teddy bear on a skateboard in times square",
    category: "objects",
    scene: {
      sky: [90, 90, 110],
      ground: [60, 60, 65],
      horizon: 0.75,
      objects: [
        { shape: "square", color: C.yellow, x: 0.15, y: 0.35, r: 0.2, aspect: 0.4 },
        { shape: "square", color: C.cyan, x: 0.86, y: 0.3, r: 0.2, aspect: 0.4 },
        { shape: "circle", color: C.brown, x: 0.5, y: 0.5, r: 0.15 },
        { shape: "square", color: C.red, x: 0.5, y: 0.72, r: 0.04, aspect: 4 },
      ],
    },
  },
  {
    id: "soup-portal",
    prompt: "a bowl of soup that is a portal to another dimension as digital art",
    category: "fantasy",
    scene: {
      sky: C.purple,
      ground: C.beige,
      horizon: 0.75,
      objects: [
        { shape: "circle", color: C.white, x: 0.5, y: 0.62, r: 0.14, aspect: 1.8 },
        { shape: "ring", color: C.cyan, x: 0.5, y: 0.58, r: 0.08, aspect: 1.8 },
      ],
    },
  },
  {
    id: "dolphin-saturn",
    prompt: "a dolphin in an astronaut suit on saturn, artstation",
    category: "space",
    scene: {
      sky: C.black,
      ground: [210, 170, 110],
      horizon: 0.85,
      objects: [
        { shape: "ring", color: C.yellow, x: 0.72, y: 0.25, r: 0.07, aspect: 2.4 },
        { shape: "circle", color: [225, 185, 120], x: 0.72, y: 0.25, r: 0.07 },
        { shape: "diamond", color: C.grey, x: 0.4, y: 0.58, r: 0.07, aspect: 2.5 },
        { shape: "ring", color: C.white, x: 0.5, y: 0.54, r: 0.07 },
      ],
    },
  },
  {
    id: "panda-scientist",
    prompt: "panda mad scientist mixing sparkling chemicals, artstation",
    category: "fantasy",
    scene: {
      sky: [228, 233, 240],
      ground: [190, 190, 200],
      horizon: 0.75,
      objects: [
        { shape: "circle", color: C.white, x: 0.4, y: 0.42, r: 0.15 },
        { shape: "circle", color: C.black, x: 0.34, y: 0.4, r: 0.04 },
        { shape: "circle", color: C.black, x: 0.46, y: 0.4, r: 0.04 },
        { shape: "triangle", color: C.green, x: 0.72, y: 0.64, r: 0.1 },
        { shape: "star", color: C.yellow, x: 0.72, y: 0.42, r: 0.07 },
      ],
    },
  },
  {
    id: "ibis-audubon",
    prompt: "an ibis in the wild, painted in the style of John Audubon",
    category: "art style",
    scene: {
      sky: [235, 225, 200],
      ground: [120, 150, 90],
      horizon: 0.78,
      objects: [
        { shape: "circle", color: C.white, x: 0.48, y: 0.45, r: 0.11, aspect: 1.5 },
        { shape: "diamond", color: C.red, x: 0.7, y: 0.38, r: 0.04, aspect: 2.5 },
        { shape: "square", color: C.red, x: 0.48, y: 0.68, r: 0.1, aspect: 0.12 },
      ],
    },
  },
  {
    id: "porsche-sketch",
    prompt: "a hand drawn sketch of a Porsche 911",
    category: "objects",
    scene: {
      sky: C.white,
      ground: [225, 225, 225],
      horizon: 0.75,
      objects: [
        { shape: "square", color: C.grey, x: 0.5, y: 0.56, r: 0.07, aspect: 4 },
        { shape: "circle", color: C.grey, x: 0.5, y: 0.47, r: 0.08, aspect: 2 },
        { shape: "ring", color: C.black, x: 0.32, y: 0.65, r: 0.06 },
        { shape: "ring", color: C.black, x: 0.68, y: 0.65, r: 0.06 },
      ],
    },
  },
];

export type DemoVariant = {
  name: string;
  conditioningType: ConditioningType;
  /** The family of real models the variant stands in for. */
  style: string;
  links: string[];
  /** Spread at guidance 1, and how fast it falls per unit of guidance. */
  baseSpread: number;
  decay: number;
};

export const DEMO_VARIANTS: readonly DemoVariant[] = [
  {
    name: "demo-text-sequence",
    conditioningType: "text_sequence",
    style: "GLIDE / Stable Diffusion style",
    links: ["https://arxiv.org/abs/2112.10741"],
    baseSpread: 0.9,
    decay: 0.35,
  },
  {
    name: "demo-clip-image-embedding",
    conditioningType: "clip_image_embedding",
    style: "unCLIP decoder / Kandinsky 2.2 style",
    links: ["https://arxiv.org/abs/2204.06125"],
    baseSpread: 1,
    decay: 0.1,
  },
  {
    name: "demo-clip-text-embedding",
    conditioningType: "clip_text_embedding",
    style: "cc12m_1_cfg style",
    links: ["https://github.com/crowsonkb/v-diffusion-pytorch"],
    baseSpread: 0.85,
    decay: 0.22,
  },
  {
    name: "demo-clip-image+text",
    conditioningType: "clip_image_embedding+text_sequence",
    style: "Karlo / unCLIP proper",
    links: ["https://github.com/kakaobrain/karlo"],
    baseSpread: 0.95,
    decay: 0.16,
  },
];

/** The variant's description; generated so that every demo variant carries the same disclaimer. */
export function demoVariantDescription(v: DemoVariant): string {
  return (
    `DEMO DATA: ${v.style} conditioning (${v.conditioningType}). Its images are procedurally drawn ` +
    `shapes (npm run seed:demo), not model output; their variety shrinks with guidance at a rate ` +
    `chosen for this variant, so its scores only illustrate the diversity–fidelity pages. ` +
    `Remove all demo data with: npm run seed:demo -- --remove`
  );
}

/** Spread of one prompt's samples at a guidance scale: baseSpread · e^(−decay·(g−1)), clamped to [0, 1]. */
export function demoSpread(v: Pick<DemoVariant, "baseSpread" | "decay">, guidanceScale: number): number {
  return Math.min(1, Math.max(0, v.baseSpread * Math.exp(-v.decay * (guidanceScale - 1))));
}
