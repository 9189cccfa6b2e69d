// Captions for toy-world scenes from a small grammar, at several levels of detail: "full"
// names every attribute (count, size, colour, shape, position, background), "partial" drops
// some, "minimal" keeps one attribute ("a red shape", "two stars"). Synonyms ("disc",
// "box", "donut", "big", "gray", "in the middle") and word-order variation ("on the left, a
// red circle") are drawn from the seeded rng, so an underspecified caption is true of many
// images. Every caption is true of its scene.
import type { Rng, ToyObject, ToyRegion, ToyScene, ToyShape, ToySize } from "./scene";

export type CaptionLevel = "full" | "partial" | "minimal";
export type Caption = { text: string; level: CaptionLevel };

export const SHAPE_WORDS: Record<ToyShape, Array<[string, string]>> = {
  circle: [
    ["circle", "circles"],
    ["disc", "discs"],
  ],
  square: [
    ["square", "squares"],
    ["box", "boxes"],
  ],
  triangle: [["triangle", "triangles"]],
  star: [["star", "stars"]],
  ring: [
    ["ring", "rings"],
    ["donut", "donuts"],
  ],
};
export const COLOUR_WORDS: Record<string, string[]> = { grey: ["grey", "gray"], purple: ["purple", "violet"] };
export const SIZE_WORDS: Record<ToySize, string[]> = { small: ["small", "little"], large: ["large", "big"] };
export const REGION_WORDS: Record<ToyRegion, string[]> = {
  left: ["on the left", "to the left"],
  right: ["on the right", "to the right"],
  top: ["at the top", "near the top"],
  bottom: ["at the bottom", "near the bottom"],
  centre: ["in the centre", "in the center", "in the middle"],
};
const COUNT_WORDS = ["", "one", "two", "three"];

export type NounPhraseParts = { count: number; size?: ToySize; colour?: string; shape?: ToyShape };

/** "two small red circles", "a red shape", "three things"; the article agrees with the next word. */
export function nounPhrase(p: NounPhraseParts, rng?: Rng, opts: { countWord?: "a" | "one" } = {}): string {
  const pick = <T>(xs: readonly T[]): T => (rng ? rng.pick(xs) : xs[0]!);
  const words: string[] = [];
  if (p.size) words.push(pick(SIZE_WORDS[p.size]));
  if (p.colour) words.push(pick(COLOUR_WORDS[p.colour] ?? [p.colour]));
  const plural = p.count > 1;
  if (p.shape) words.push(pick(SHAPE_WORDS[p.shape])[plural ? 1 : 0]);
  else words.push(plural ? "shapes" : "shape");
  if (plural) return `${COUNT_WORDS[p.count]} ${words.join(" ")}`;
  const countWord = opts.countWord ?? (rng && rng.unit() < 0.25 ? "one" : "a");
  const article = countWord === "one" ? "one" : /^[aeiou]/.test(words[0]!) ? "an" : "a";
  return `${article} ${words.join(" ")}`;
}

export function regionPhrase(region: ToyRegion, rng?: Rng): string {
  return rng ? rng.pick(REGION_WORDS[region]) : REGION_WORDS[region][0]!;
}

function backgroundPhrase(scene: ToyScene, rng: Rng): string {
  return rng.pick([`on a ${scene.background} background`, `against a ${scene.background} background`]);
}

/** Joins the parts in one of several word orders. */
function arrange(np: string, where: string | undefined, bg: string | undefined, rng: Rng): string {
  const order = rng.int(3);
  if (order === 1 && where) return [`${where},`, np, bg].filter(Boolean).join(" ");
  if (order === 2 && bg)
    return [bg.replace(/^(on|against) a/, "a").replace(/ background$/, " background with"), np, where]
      .filter(Boolean)
      .join(" ");
  return [np, where, bg].filter(Boolean).join(" ");
}

function objectParts(
  o: ToyObject,
  count: number,
  keep: { size: boolean; colour: boolean; shape: boolean },
): NounPhraseParts {
  return {
    count,
    size: keep.size ? o.size : undefined,
    colour: keep.colour ? o.colour : undefined,
    shape: keep.shape ? o.shape : undefined,
  };
}

/** One caption of the given level for the scene. */
export function captionScene(scene: ToyScene, level: CaptionLevel, rng: Rng): Caption {
  const first = scene.objects[0]!;
  const n = scene.objects.length;
  const prefix = rng.unit() < 0.15 ? rng.pick(["a picture of ", "an image of ", "there is "]) : "";
  if (scene.kind === "mixed") {
    const keep =
      level === "full"
        ? { size: rng.unit() < 0.3, colour: true, shape: true }
        : { size: false, colour: rng.unit() < 0.8, shape: true };
    const shown = level === "minimal" ? scene.objects.slice(0, 1) : scene.objects;
    const parts = shown.map((o) => {
      const np = nounPhrase(
        objectParts(o, 1, level === "minimal" ? { size: false, colour: true, shape: true } : keep),
        rng,
      );
      return level === "full" || (level === "partial" && rng.unit() < 0.5)
        ? `${np} ${regionPhrase(o.region!, rng)}`
        : np;
    });
    const body = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
    return { text: prefix + (level === "full" ? `${body} ${backgroundPhrase(scene, rng)}` : body), level };
  }
  const where = scene.kind === "single" ? regionPhrase(first.region!, rng) : undefined;
  if (level === "full") {
    const np = prefix + nounPhrase(objectParts(first, n, { size: true, colour: true, shape: true }), rng);
    return { text: arrange(np, where, backgroundPhrase(scene, rng), rng), level };
  }
  if (level === "partial") {
    const keep = { size: rng.unit() < 0.3, colour: rng.unit() < 0.8, shape: true };
    if (!keep.colour && rng.unit() < 0.5) keep.shape = true;
    const np = prefix + nounPhrase(objectParts(first, n, keep), rng);
    const withWhere = where && rng.unit() < 0.6 ? where : undefined;
    const bg = rng.unit() < 0.2 ? backgroundPhrase(scene, rng) : undefined;
    return { text: arrange(np, withWhere, bg, rng), level };
  }
  // Minimal: one attribute besides the count.
  const which = rng.int(3);
  const keep = { size: false, colour: which !== 1, shape: which !== 0 };
  return { text: prefix + nounPhrase(objectParts(first, n, keep), rng), level };
}

/** `k` captions across the levels (full, partial, minimal, then repeating), for training. */
export function captionsForScene(scene: ToyScene, rng: Rng, k = 6): Caption[] {
  const levels: CaptionLevel[] = ["full", "partial", "minimal"];
  const out: Caption[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < k && i < k * 4; i++) {
    const c = captionScene(scene, levels[out.length % 3]!, rng);
    if (!seen.has(c.text)) {
      seen.add(c.text);
      out.push(c);
    }
  }
  return out;
}
