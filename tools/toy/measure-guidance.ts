// Fidelity and diversity of a toy generator's samples as the toy evaluator scores them, per
// prompt, with 95% bootstrap CIs over prompts (the run-level convention of lib/runs/score-run.ts:
// B = 1000, seed 0). Used by `npm run toy:gen-evaluate` and the generator tests.
import type { ClipEvaluator } from "../../lib/clip/evaluator";
import { bootstrapMany, type BootstrapResult } from "../../lib/metrics/bootstrap";
import { pairwiseDiversity } from "../../lib/metrics/pairwise-diversity";
import type { ToyPrompt } from "../../lib/toy-world/toy-prompts";

export type PromptMeasure = { promptId: string; type: ToyPrompt["type"]; clipScore: number; diversity: number };
export type GuidanceMeasure = { perPrompt: PromptMeasure[]; clipScore: BootstrapResult; diversity: BootstrapResult };

/**
 * `generate(prompt, seeds)` → PNGs; per prompt: clipScore = 100 · mean cos(image, prompt) (torchmetrics,
 * before its clamp), diversity = 1 − mean pairwise cosine of the images (lib/metrics/pairwise-diversity).
 * The run figures are means over prompts with percentile-bootstrap CIs. Needs ≥ 2 seeds.
 */
export async function measureGuidance(
  evaluator: ClipEvaluator,
  prompts: ToyPrompt[],
  seeds: number[],
  generate: (prompt: string, seeds: number[]) => Promise<Buffer[]>,
): Promise<GuidanceMeasure> {
  if (seeds.length < 2) throw new Error("diversity needs at least 2 samples per prompt");
  const texts = await evaluator.embedTexts(prompts.map((p) => p.prompt));
  const perPrompt: PromptMeasure[] = [];
  for (const [i, p] of prompts.entries()) {
    const images = (await evaluator.embedImages(await generate(p.prompt, seeds))).map((e) => {
      if (!e.embedding) throw new Error(`a generated image could not be embedded: ${e.error.message}`);
      return e.embedding;
    });
    const t = texts[i]!.embedding;
    const cos = images.reduce((a, e) => a + e.reduce((s, v, k) => s + v * t[k]!, 0), 0) / images.length;
    perPrompt.push({
      promptId: p.id,
      type: p.type,
      clipScore: 100 * cos,
      diversity: pairwiseDiversity(images.map((e) => Array.from(e))).value!,
    });
  }
  const mean = (key: "clipScore" | "diversity") => (idx: Uint32Array) =>
    idx.reduce((a, j) => a + perPrompt[j]![key], 0) / idx.length;
  const ci = bootstrapMany(
    perPrompt.length,
    { clipScore: mean("clipScore"), diversity: mean("diversity") },
    { B: 1000, seed: 0 },
  );
  return { perPrompt, clipScore: ci.clipScore, diversity: ci.diversity };
}
