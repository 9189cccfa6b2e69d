// A run's samples grouped by prompt, with their stored image and cosine, for the run page's grids.
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, sampleScores, samples } from "../../db/schema";

export type RunSample = {
  sampleId: number;
  sampleIndex: number;
  seed: number | null;
  fileName: string;
  sha256: string;
  cosine: number | null;
  errorCode: string | null;
};
export type PromptSamples = { promptId: string; prompt: string; samples: RunSample[] };

export function listRunSamples(
  runId: string,
  evaluatorId: string | null,
  opts: { perPrompt?: number } = {},
): PromptSamples[] {
  const perPrompt = opts.perPrompt ?? 16;
  const rows = getDb()
    .select({
      sampleId: samples.id,
      sampleIndex: samples.sampleIndex,
      seed: samples.seed,
      fileName: samples.fileName,
      sha256: samples.imageSha256,
      promptId: prompts.promptKey,
      prompt: prompts.text,
      cosine: sampleScores.cosine,
      errorCode: sampleScores.errorCode,
    })
    .from(samples)
    .innerJoin(prompts, eq(prompts.id, samples.promptId))
    .leftJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId ?? "")))
    .where(eq(samples.runId, runId))
    .orderBy(asc(samples.id))
    .all();
  const byPrompt = new Map<string, PromptSamples>();
  for (const r of rows) {
    let g = byPrompt.get(r.promptId);
    if (!g) byPrompt.set(r.promptId, (g = { promptId: r.promptId, prompt: r.prompt, samples: [] }));
    if (g.samples.length < perPrompt)
      g.samples.push({
        sampleId: r.sampleId,
        sampleIndex: r.sampleIndex,
        seed: r.seed,
        fileName: r.fileName,
        sha256: r.sha256,
        cosine: r.cosine,
        errorCode: r.errorCode,
      });
  }
  return [...byPrompt.values()];
}
