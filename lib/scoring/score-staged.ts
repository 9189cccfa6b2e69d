// POST /api/v1/metrics: score a small staged upload synchronously, without creating a run.
// The scoring itself runs in a worker thread (score-off-thread.ts), off the request's event loop.
import { AppError } from "../core/errors";
import type { StagedUpload } from "../uploads";
import type { BatchReport } from "./score-batch";
import { scoreOffThread } from "./score-off-thread";

export async function scoreStaged(staged: StagedUpload, opts: { seed?: number } = {}): Promise<BatchReport> {
  const noPrompt = staged.items.filter((i) => i.prompt === undefined).map((i) => i.fileName);
  if (noPrompt.length) {
    throw new AppError(
      "validation_failed",
      "every item needs a prompt (prompt ids need a prompt set: use /api/v1/runs)",
      { files: noPrompt.slice(0, 100) },
    );
  }
  return scoreOffThread(
    staged.items.map((i) => ({ file: i.fileName, prompt: i.prompt!, group: i.group, path: i.path })),
    { seed: opts.seed },
  );
}
