// Which scenes a caption allows, for toy-world reference sets (npm run toy:reference): a caption
// of the grammar in captions.ts is parsed back into per-object attributes (count, size, colour,
// shape, region, background), and scenes are drawn from the grammar's own sampler with those
// attributes pinned, rejecting any scene the caption is not true of. What the caption leaves out
// (position, size, background, jitter, other objects' attributes) varies as in the grammar, so the
// images are draws from the true distribution of scenes the caption describes.
//
// One reading is fixed: a caption naming one object describes a one-object scene (the grammar's
// "minimal" caption of a mixed scene also names only its first object; those scenes are left out).
import { COLOUR_WORDS, REGION_WORDS, SHAPE_WORDS, SIZE_WORDS } from "./captions";
import {
  TOY_BACKGROUND_NAMES,
  TOY_COLOUR_NAMES,
  sampleScene,
  type ToyBackground,
  type ToyColour,
  type ToyRegion,
  type ToyScene,
  type ToyShape,
  type ToySize,
} from "./scene";

export type ObjectSpec = { size?: ToySize; colour?: ToyColour; shape?: ToyShape; region?: ToyRegion };
export type CaptionSpec = {
  kind: "single" | "group" | "mixed";
  count: number;
  objects: ObjectSpec[];
  background?: ToyBackground;
};

const PREFIX = /^(a picture of|an image of|there is) /;
const COUNTS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3 };

function lookup<K extends string>(
  table: Record<K, readonly unknown[]>,
  word: string,
  pick: (entry: unknown) => string[],
): K | undefined {
  for (const key of Object.keys(table) as K[]) if (table[key].some((e) => pick(e).includes(word))) return key;
  return undefined;
}

/** Parses a caption of the toy grammar; throws an Error naming the part it cannot read. */
export function parseCaption(caption: string): CaptionSpec {
  let text = caption.trim().toLowerCase().replace(/\s+/g, " ");
  text = text.replace(PREFIX, "");
  let background: ToyBackground | undefined;
  for (const bg of TOY_BACKGROUND_NAMES) {
    const forms = [` on a ${bg} background`, ` against a ${bg} background`];
    for (const f of forms)
      if (text.endsWith(f) || text.includes(`${f} `)) ((background = bg), (text = text.replace(f, "")));
    const lead = `a ${bg} background with `;
    if (text.startsWith(lead)) ((background = bg), (text = text.slice(lead.length)));
  }
  // "on the left, a red circle": a leading region belongs to the (single) phrase.
  let leadRegion: ToyRegion | undefined;
  for (const [region, words] of Object.entries(REGION_WORDS) as [ToyRegion, string[]][]) {
    for (const w of words) if (text.startsWith(`${w}, `)) ((leadRegion = region), (text = text.slice(w.length + 2)));
  }
  const phrases = text
    .split(/, | and /)
    .map((p) => p.trim())
    .filter(Boolean);
  const objects: ObjectSpec[] = [];
  let count = 0;
  for (const phrase of phrases) {
    let rest = phrase;
    let region: ToyRegion | undefined;
    for (const [r, words] of Object.entries(REGION_WORDS) as [ToyRegion, string[]][]) {
      for (const w of words) if (rest.endsWith(` ${w}`)) ((region = r), (rest = rest.slice(0, -w.length - 1)));
    }
    const words = rest.replace(PREFIX, "").split(" ");
    const n = COUNTS[words[0]!];
    if (n === undefined) throw new Error(`cannot read the count of "${phrase}" in "${caption}"`);
    const spec: ObjectSpec = { ...(region ? { region } : {}) };
    for (const w of words.slice(1)) {
      const size = lookup(SIZE_WORDS, w, (e) => [e as string]);
      const colour = (lookup(COLOUR_WORDS as Record<string, string[]>, w, (e) => [e as string]) ??
        (TOY_COLOUR_NAMES as string[]).find((c) => c === w)) as ToyColour | undefined;
      const shape = lookup(SHAPE_WORDS, w, (e) => e as string[]);
      if (size) spec.size = size;
      else if (colour) spec.colour = colour;
      else if (shape) spec.shape = shape;
      else if (w !== "shape" && w !== "shapes") throw new Error(`unknown word "${w}" in "${caption}"`);
    }
    count += n;
    objects.push(spec);
  }
  if (objects.length === 0) throw new Error(`empty caption "${caption}"`);
  if (leadRegion) objects[0]!.region = leadRegion;
  const kind = objects.length > 1 ? "mixed" : count > 1 ? "group" : "single";
  return { kind, count, objects, ...(background ? { background } : {}) };
}

function objectMatches(o: ToyScene["objects"][number], s: ObjectSpec): boolean {
  return (
    (!s.size || o.size === s.size) &&
    (!s.colour || o.colour === s.colour) &&
    (!s.shape || o.shape === s.shape) &&
    (!s.region || o.region === s.region)
  );
}

/** Whether the scene is one the parsed caption describes. */
export function sceneAllowed(scene: ToyScene, spec: CaptionSpec): boolean {
  if (scene.kind !== spec.kind || scene.objects.length !== spec.count) return false;
  if (spec.background && scene.background !== spec.background) return false;
  if (spec.kind === "mixed") return spec.objects.every((s, i) => objectMatches(scene.objects[i]!, s));
  return scene.objects.every((o) => objectMatches(o, spec.objects[0]!));
}

/**
 * `n` distinct scenes the caption allows, from seeds `seed`, `seed + 1`, … (reproducible). Throws
 * when 200,000 draws give fewer than `n` (a caption the grammar cannot satisfy).
 */
export function scenesForCaption(caption: string, n: number, seed: number): ToyScene[] {
  const spec = parseCaption(caption);
  const first = spec.objects[0]!;
  const pinned = {
    kind: spec.kind,
    count: spec.count as 1 | 2 | 3,
    shape: first.shape,
    colour: first.colour,
    background: spec.background,
    ...(spec.kind !== "mixed" ? { size: first.size, region: first.region } : {}),
  };
  const out: ToyScene[] = [];
  for (let i = 0; out.length < n; i++) {
    if (i >= 200_000) throw new Error(`only ${out.length} of ${n} scenes found for "${caption}" in 200000 draws`);
    let scene: ToyScene;
    try {
      scene = sampleScene(seed + i, pinned);
    } catch {
      continue; // a group that could not be placed apart
    }
    if (sceneAllowed(scene, spec)) out.push(scene);
  }
  return out;
}
