// Semantic checks of a CLIP on held-out toy-world scenes, run through the product's evaluator:
// zero-shot classification of colour, shape, position and count (the candidate prompts differ
// only in that attribute; the prediction is the prompt with the highest cosine), and
// image→caption retrieval top-1 among a pool of scenes' full captions.
import type { ClipEvaluator } from "../../lib/clip/evaluator";
import { captionScene, nounPhrase, regionPhrase } from "../../lib/toy-world/captions";
import { renderScenePng } from "../../lib/toy-world/render";
import {
  makeRng,
  sampleScene,
  TOY_COLOUR_NAMES,
  TOY_REGION_NAMES,
  TOY_SHAPES,
  type ToyScene,
  HELD_OUT_SEED_BASE,
} from "../../lib/toy-world/scene";

export const TOY_ATTRIBUTES = ["colour", "shape", "position", "count"] as const;
export type ToyAttribute = (typeof TOY_ATTRIBUTES)[number];

/** One classification item: the scene, the candidate prompts, and which one is true. */
export type Probe = { scene: ToyScene; candidates: string[]; answer: number };

const COUNT_SEEDS = 1_000_000;

/** Held-out probes for one attribute; seeds start at HELD_OUT_SEED_BASE, never used by toy:dataset. */
export function makeProbes(attribute: ToyAttribute, n: number): Probe[] {
  const base = HELD_OUT_SEED_BASE + (TOY_ATTRIBUTES.indexOf(attribute) + 1) * COUNT_SEEDS;
  const probes: Probe[] = [];
  for (let i = 0; i < n; i++) {
    const seed = base + i;
    if (attribute === "count") {
      const count = ((i % 3) + 1) as 1 | 2 | 3;
      const scene = sampleScene(seed, { count, kind: count === 1 ? "single" : "group", size: "small" });
      const o = scene.objects[0]!;
      const candidates = [1, 2, 3].map((k) =>
        nounPhrase({ count: k, colour: o.colour, shape: o.shape }, undefined, { countWord: "one" }),
      );
      probes.push({ scene, candidates, answer: count - 1 });
      continue;
    }
    const scene = sampleScene(seed, { kind: "single" });
    const o = scene.objects[0]!;
    if (attribute === "colour") {
      probes.push({
        scene,
        candidates: TOY_COLOUR_NAMES.map((c) => nounPhrase({ count: 1, colour: c, shape: o.shape })),
        answer: TOY_COLOUR_NAMES.indexOf(o.colour),
      });
    } else if (attribute === "shape") {
      probes.push({
        scene,
        candidates: TOY_SHAPES.map((s) => nounPhrase({ count: 1, colour: o.colour, shape: s })),
        answer: TOY_SHAPES.indexOf(o.shape),
      });
    } else {
      const np = nounPhrase({ count: 1, colour: o.colour, shape: o.shape });
      probes.push({
        scene,
        candidates: TOY_REGION_NAMES.map((r) => `${np} ${regionPhrase(r)}`),
        answer: TOY_REGION_NAMES.indexOf(o.region!),
      });
    }
  }
  return probes;
}

/** Held-out scenes with one full-detail caption each, for retrieval. */
export function makeRetrievalPool(n: number): Array<{ scene: ToyScene; caption: string }> {
  const base = HELD_OUT_SEED_BASE + (TOY_ATTRIBUTES.length + 1) * COUNT_SEEDS;
  return Array.from({ length: n }, (_, i) => {
    const scene = sampleScene(base + i);
    return { scene, caption: captionScene(scene, "full", makeRng(base + i)).text };
  });
}

/** How a scene becomes the encoded image handed to the evaluator (tests swap in broken pipelines). */
export type SceneEncoder = (scene: ToyScene) => Promise<Buffer>;
export const encodeScene: SceneEncoder = (scene) => renderScenePng(scene);

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function embedImagesOrThrow(
  evaluator: ClipEvaluator,
  scenes: ToyScene[],
  encode: SceneEncoder,
): Promise<Float32Array[]> {
  const out = await evaluator.embedImages(scenes.map((s) => () => encode(s)));
  return out.map((e, i) => {
    if (!e.embedding) throw new Error(`scene ${i}: ${e.error.message}`);
    return e.embedding;
  });
}

async function embedTextMap(evaluator: ClipEvaluator, prompts: string[]): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(prompts)];
  const rows = await evaluator.embedTexts(unique);
  return new Map(unique.map((p, i) => [p, rows[i]!.embedding]));
}

/** Share of probes whose true prompt has the highest cosine (ties count as misses). */
export async function probeAccuracy(
  evaluator: ClipEvaluator,
  probes: Probe[],
  encode: SceneEncoder = encodeScene,
): Promise<number> {
  const images = await embedImagesOrThrow(
    evaluator,
    probes.map((p) => p.scene),
    encode,
  );
  const texts = await embedTextMap(
    evaluator,
    probes.flatMap((p) => p.candidates),
  );
  let hits = 0;
  probes.forEach((p, i) => {
    const scores = p.candidates.map((c) => dot(images[i]!, texts.get(c)!));
    const best = Math.max(...scores);
    if (scores[p.answer] === best && scores.filter((s) => s === best).length === 1) hits++;
  });
  return hits / probes.length;
}

/** Image→caption top-1 accuracy within the pool (chance 1/n). */
export async function retrievalTop1(
  evaluator: ClipEvaluator,
  pool: Array<{ scene: ToyScene; caption: string }>,
  encode: SceneEncoder = encodeScene,
): Promise<number> {
  const images = await embedImagesOrThrow(
    evaluator,
    pool.map((p) => p.scene),
    encode,
  );
  const texts = await evaluator.embedTexts(pool.map((p) => p.caption));
  let hits = 0;
  images.forEach((img, i) => {
    let best = -Infinity;
    let arg = -1;
    texts.forEach((t, j) => {
      const s = dot(img, t.embedding);
      if (s > best) [best, arg] = [s, j];
    });
    if (arg === i) hits++;
  });
  return hits / pool.length;
}

export type SemanticReport = Record<ToyAttribute, number> & { retrieval: number };

/** All five checks; `n` probes per attribute and a retrieval pool of `pool` scenes. */
export async function semanticReport(
  evaluator: ClipEvaluator,
  opts: { n: number; pool: number; encode?: SceneEncoder },
): Promise<SemanticReport> {
  const encode = opts.encode ?? encodeScene;
  const out = { retrieval: await retrievalTop1(evaluator, makeRetrievalPool(opts.pool), encode) } as SemanticReport;
  for (const a of TOY_ATTRIBUTES) out[a] = await probeAccuracy(evaluator, makeProbes(a, opts.n), encode);
  return out;
}

export type Agreement = { images: { mean: number; min: number }; texts: { mean: number; min: number } };

/**
 * How closely two evaluators (e.g. the int8 and fp32 variants of one model) agree: mean and
 * minimum cosine between their embeddings of the same held-out scenes (`n` per attribute
 * probe set) and of every distinct probe prompt.
 */
export async function embeddingAgreement(a: ClipEvaluator, b: ClipEvaluator, n: number): Promise<Agreement> {
  const probes = TOY_ATTRIBUTES.flatMap((attr) => makeProbes(attr, n));
  const scenes = probes.map((p) => p.scene);
  const prompts = [...new Set(probes.flatMap((p) => p.candidates))];
  const stats = (xs: Float32Array[], ys: Float32Array[]) => {
    const c = xs.map((x, i) => dot(x, ys[i]!));
    return { mean: c.reduce((s, v) => s + v, 0) / c.length, min: Math.min(...c) };
  };
  const [ia, ib] = [await embedImagesOrThrow(a, scenes, encodeScene), await embedImagesOrThrow(b, scenes, encodeScene)];
  const [ta, tb] = [await a.embedTexts(prompts), await b.embedTexts(prompts)];
  return {
    images: stats(ia, ib),
    texts: stats(
      ta.map((t) => t.embedding),
      tb.map((t) => t.embedding),
    ),
  };
}
