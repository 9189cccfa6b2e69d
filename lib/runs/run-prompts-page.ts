// One page of a run's prompts for the run page: its per-prompt metrics (from `evaluatorId`),
// sorted in SQL by CLIP score or diversity, or, before the run is scored, its prompts in prompt
// set order; with the total and the page count. A page holds RUN_PAGE_PROMPTS prompts, so the run
// page's size does not grow with the run (a run of 1,990 prompts of 10,000 characters was a
// 546.6 MB page built whole).
import { and, asc, desc, eq, exists, sql, type SQL } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, promptScores, samples } from "../../db/schema";
import type { PromptMetrics } from "./get-run-or-throw";

/** Prompts (with their sample grids) per page of the run page. */
export const RUN_PAGE_PROMPTS = 25;

export const RUN_PROMPT_SORTS = ["clipScore", "diversity"] as const;
export type RunPromptSort = (typeof RUN_PROMPT_SORTS)[number];

export type RunPromptsPage = {
  /** With metrics once the run has scores from the evaluator; before, metrics fields are null. */
  rows: (PromptMetrics & { promptRowId: number })[];
  scored: boolean;
  total: number;
  /** 1-based; clamped to the last page. */
  page: number;
  pages: number;
  pageSize: number;
};

export function runPromptsPage(
  runId: string,
  evaluatorId: string | null,
  q: { page?: number; sort?: RunPromptSort; dir?: "asc" | "desc"; pageSize?: number } = {},
): RunPromptsPage {
  const db = getDb();
  const pageSize = q.pageSize ?? RUN_PAGE_PROMPTS;
  const scoredWhere = and(eq(promptScores.runId, runId), eq(promptScores.evaluatorId, evaluatorId ?? ""));
  const scoredCount = evaluatorId
    ? db
        .select({ n: sql<number>`count(*)` })
        .from(promptScores)
        .where(scoredWhere)
        .get()!.n
    : 0;
  const inRun = exists(
    db
      .select({ one: sql`1` })
      .from(samples)
      .where(and(eq(samples.runId, runId), eq(samples.promptId, prompts.id))),
  );
  const total = scoredCount
    ? scoredCount
    : db
        .select({ n: sql<number>`count(*)` })
        .from(prompts)
        .where(inRun)
        .get()!.n;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(q.page ?? 1)), pages);
  const offset = (page - 1) * pageSize;

  if (!scoredCount) {
    const rows = db
      .select({
        promptRowId: prompts.id,
        promptId: prompts.promptKey,
        prompt: prompts.text,
        category: prompts.category,
      })
      .from(prompts)
      .where(inRun)
      .orderBy(asc(prompts.position))
      .limit(pageSize)
      .offset(offset)
      .all()
      .map((r) => ({
        ...r,
        n: 0,
        failed: 0,
        cosSum: null,
        clipScore: null,
        clipS: null,
        diversity: null,
        diversityReason: null,
        vendi: null,
        truncated: false,
      }));
    return { rows, scored: false, total, page, pages, pageSize };
  }
  const column = q.sort === "diversity" ? promptScores.diversity : promptScores.clipScore;
  // Nulls last either way, then prompt set order.
  const order: SQL[] = q.sort
    ? [sql`${column} is null`, q.dir === "asc" ? asc(column) : desc(column), asc(prompts.position)]
    : [asc(prompts.position)];
  const rows = db
    .select({
      promptRowId: prompts.id,
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
    .where(scoredWhere)
    .orderBy(...order)
    .limit(pageSize)
    .offset(offset)
    .all();
  return { rows, scored: true, total, page, pages, pageSize };
}
