// The toy generators' scene latent: a continuous encoding of a toy scene that their denoisers
// diffuse in, decoded by the one toy-world renderer (the way latent diffusion pairs a denoiser
// with a fixed decoder). research/toy-world/gen.py `encode_scene` is the Python twin of
// encodeSceneLatent; keep the two in step.
//
// Layout (LATENT_DIM = 3 + 3 × 13 = 42 floats, each about in [-1, 1]):
//   [0..3)  background sRGB, v / 127.5 − 1
//   then 3 object slots of 13: presence (±1), sRGB (3, as above), x and y (2v − 1, fractions of
//   the side), radius ((r − 0.1375) / 0.0525), angle (a / 0.35 rad), one ±1 logit per shape
//   (TOY_SHAPES order). An absent slot has presence −1 and all shape logits −1.
import {
  TOY_BACKGROUNDS,
  TOY_COLOURS,
  TOY_SHAPES,
  type Rgb,
  type ToyBackground,
  type ToyColour,
  type ToyObject,
  type ToyScene,
  type ToySceneKind,
} from "./scene";

export const LATENT_SLOTS = 3;
export const LATENT_SLOT_DIM = 13;
export const LATENT_DIM = 3 + LATENT_SLOTS * LATENT_SLOT_DIM;
const R_MID = 0.1375;
const R_HALF = 0.0525;
const ANGLE_MAX = 0.35;
const MIN_RADIUS = 0.03;

const toUnit = (v: number) => v / 127.5 - 1;
const toByte = (u: number) => Math.max(0, Math.min(255, Math.round((u + 1) * 127.5)));
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** A scene → its latent (Float32Array of LATENT_DIM); objects past the third are dropped. */
export function encodeSceneLatent(scene: ToyScene): Float32Array {
  const z = new Float32Array(LATENT_DIM);
  scene.backgroundRgb.forEach((c, i) => (z[i] = toUnit(c)));
  for (let k = 0; k < LATENT_SLOTS; k++) {
    const s = 3 + k * LATENT_SLOT_DIM;
    z.fill(-1, s + 8, s + 13);
    const o = scene.objects[k];
    if (!o) {
      z[s] = -1;
      continue;
    }
    z[s] = 1;
    o.rgb.forEach((c, i) => (z[s + 1 + i] = toUnit(c)));
    z[s + 4] = 2 * o.x - 1;
    z[s + 5] = 2 * o.y - 1;
    z[s + 6] = (o.r - R_MID) / R_HALF;
    z[s + 7] = o.angle / ANGLE_MAX;
    z[s + 8 + TOY_SHAPES.indexOf(o.shape)] = 1;
  }
  return z;
}

function nearest<K extends string>(table: Record<K, Rgb>, rgb: Rgb): K {
  let best = "" as K;
  let bestD = Infinity;
  for (const [name, c] of Object.entries(table) as Array<[K, Rgb]>) {
    const d = (c[0] - rgb[0]) ** 2 + (c[1] - rgb[1]) ** 2 + (c[2] - rgb[2]) ** 2;
    if (d < bestD) [best, bestD] = [name, d];
  }
  return best;
}

/**
 * A latent → a scene the renderer draws: slots with presence > 0 become objects, the shape is
 * the largest logit, colours are clamped to 8 bits (their names are the nearest named colour,
 * for labels only), positions to the scene, radii to ≥ 0.03. Throws on a wrong length.
 */
export function decodeSceneLatent(z: ArrayLike<number>): ToyScene {
  if (z.length !== LATENT_DIM) throw new Error(`a toy scene latent has ${LATENT_DIM} numbers, got ${z.length}`);
  const backgroundRgb: Rgb = [toByte(z[0]!), toByte(z[1]!), toByte(z[2]!)];
  const objects: ToyObject[] = [];
  for (let k = 0; k < LATENT_SLOTS; k++) {
    const s = 3 + k * LATENT_SLOT_DIM;
    if (!(z[s]! > 0)) continue;
    const rgb: Rgb = [toByte(z[s + 1]!), toByte(z[s + 2]!), toByte(z[s + 3]!)];
    let shape = 0;
    for (let i = 1; i < TOY_SHAPES.length; i++) if (z[s + 8 + i]! > z[s + 8 + shape]!) shape = i;
    const r = Math.max(MIN_RADIUS, R_MID + z[s + 6]! * R_HALF);
    objects.push({
      shape: TOY_SHAPES[shape]!,
      colour: nearest<ToyColour>(TOY_COLOURS, rgb),
      rgb,
      size: r > R_MID ? "large" : "small",
      r,
      x: clamp((z[s + 4]! + 1) / 2, 0, 1),
      y: clamp((z[s + 5]! + 1) / 2, 0, 1),
      angle: clamp(z[s + 7]!, -1.5, 1.5) * ANGLE_MAX,
    });
  }
  const same = objects.every((o) => o.shape === objects[0]?.shape && o.colour === objects[0]?.colour);
  const kind: ToySceneKind = objects.length <= 1 ? "single" : same ? "group" : "mixed";
  return { kind, background: nearest<ToyBackground>(TOY_BACKGROUNDS, backgroundRgb), backgroundRgb, objects };
}
