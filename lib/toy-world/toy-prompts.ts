// Held-out toy prompts of the two kinds the seed question is about: underspecified ("a red
// shape", "two stars": true of many pictures) and compositional ("a red circle and a blue
// square": two objects that must both appear with the right colours). Drawn from scene seeds
// above every training seed, so no prompt is a training caption by construction of its scene.
import { captionScene, nounPhrase } from "./captions";
import { makeRng, sampleScene, HELD_OUT_SEED_BASE } from "./scene";

export type ToyPromptType = "underspecified" | "compositional";
export type ToyPrompt = { id: string; prompt: string; type: ToyPromptType };

const BASE = HELD_OUT_SEED_BASE + 700_000;

/** `perType` distinct prompts of each type (ids u1…, c1…), the same for the same arguments. */
export function toyPrompts(perType: number): ToyPrompt[] {
  const out: ToyPrompt[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.filter((p) => p.type === "underspecified").length < perType && i < perType * 50; i++) {
    const text = captionScene(sampleScene(BASE + i), "minimal", makeRng(BASE + i)).text;
    if (!seen.has(text)) {
      seen.add(text);
      out.push({ id: `u${out.length + 1}`, prompt: text, type: "underspecified" });
    }
  }
  let c = 0;
  for (let i = 0; c < perType && i < perType * 50; i++) {
    const scene = sampleScene(BASE + 100_000 + i, { kind: "mixed", count: 2 });
    const [a, b] = scene.objects;
    const text = `${nounPhrase({ count: 1, colour: a!.colour, shape: a!.shape })} and ${nounPhrase({ count: 1, colour: b!.colour, shape: b!.shape })}`;
    if (!seen.has(text)) {
      seen.add(text);
      out.push({ id: `c${++c}`, prompt: text, type: "compositional" });
    }
  }
  return out;
}
