// POST /api/v1/metrics: score a small staged upload synchronously, without creating a run.
import fs from "node:fs/promises";
import { AppError } from "../errors";
import type { StagedUpload } from "../uploads";
import { scoreBatch, type BatchReport } from "./score-batch";
import { getServiceEvaluator } from "./service-evaluator";

export async function scoreStaged(staged: StagedUpload, opts: { seed?: number } = {}): Promise<BatchReport> {
  const noPrompt = staged.items.filter((i) => i.prompt === undefined).map((i) => i.fileName);
  if (noPrompt.length) {
    throw new AppError("validation_failed", "every item needs a prompt (prompt ids need a prompt set: use /api/v1/runs)", { files: noPrompt.slice(0, 100) });
  }
  const evaluator = await getServiceEvaluator();
  return scoreBatch(
    evaluator,
    staged.items.map((i) => ({ file: i.fileName, prompt: i.prompt!, group: i.group, image: () => fs.readFile(i.path) })),
    { bootstrapSeed: opts.seed },
  );
}
