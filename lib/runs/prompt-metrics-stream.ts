// A run's per-prompt metrics from one evaluator, read a batch at a time in prompt-set order (keyset
// on the prompt's position): what GET /api/v1/runs/{id}/prompts streams as CSV or JSON, so a run
// of 1,990 prompts of 10,000 characters is never held whole.
import { and, asc, eq, gt } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, promptScores } from "../../db/schema";
import { getRunOrThrow, type PromptMetrics, type RunDetail } from "./get-run-or-throw";

/** Prompts per batch (a batch of 10,000-character prompts is about 1 MB). */
export const PROMPT_BATCH = 100;

export type PromptMetricsStream = {
  run: RunDetail;
  next: () => PromptMetrics[];
};

/** Throws 404 for an unknown run or evaluator. Without scores from the evaluator, no rows. */
export function promptMetricsStream(runId: string, opts: { evaluatorId?: string } = {}): PromptMetricsStream {
  const run = getRunOrThrow(runId, { evaluatorId: opts.evaluatorId, promptRows: false, maxErrors: 0 });
  const evaluatorId = run.metrics?.evaluatorId;
  let after: number | undefined;
  let done = evaluatorId === undefined;
  const next = (): PromptMetrics[] => {
    if (done) return [];
    const rows = getDb()
      .select({
        position: prompts.position,
        promptId: prompts.promptKey,
        prompt: prompts.text,
        category: prompts.category,
        n: promptScores.n,
        failed: promptScores.failed,
        cosSum: promptScores.cosSum,
        clipScore: promptScores.clipScore,
        clipS: promptScores.clipS,
        diversity: promptScores.diversity,
        diversityReason: promptScores.diversityReason,
        vendi: promptScores.vendi,
        truncated: promptScores.truncated,
      })
      .from(promptScores)
      .innerJoin(prompts, eq(prompts.id, promptScores.promptId))
      .where(
        and(
          eq(promptScores.runId, runId),
          eq(promptScores.evaluatorId, evaluatorId!),
          after === undefined ? undefined : gt(prompts.position, after),
        ),
      )
      .orderBy(asc(prompts.position))
      .limit(PROMPT_BATCH)
      .all();
    if (rows.length < PROMPT_BATCH) done = true;
    after = rows.at(-1)?.position ?? after;
    return rows.map(({ position: _p, ...r }) => r);
  };
  return { run, next };
}
