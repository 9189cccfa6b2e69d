// Prompt sets with their prompt and run counts; upload-derived sets only on request.
import { asc, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { promptSets, type PromptSetRow } from "../../db/schema";

export type PromptSetListItem = PromptSetRow & { promptCount: number; runCount: number };

export function listPromptSets(opts: { includeImplicit?: boolean } = {}): PromptSetListItem[] {
  // Written out: drizzle renders a column of the single outer table unqualified, which inside
  // the subquery would bind to the subquery's own table.
  const promptCount = sql<number>`(select count(*) from prompts p where p.prompt_set_id = prompt_sets.id)`;
  const runCount = sql<number>`(select count(*) from runs r where r.prompt_set_id = prompt_sets.id)`;
  return getDb()
    .select({
      id: promptSets.id,
      name: promptSets.name,
      version: promptSets.version,
      description: promptSets.description,
      isImplicit: promptSets.isImplicit,
      isDemo: promptSets.isDemo,
      apiKeyId: promptSets.apiKeyId,
      createdAt: promptSets.createdAt,
      promptCount,
      runCount,
    })
    .from(promptSets)
    .where(opts.includeImplicit ? undefined : eq(promptSets.isImplicit, false))
    .orderBy(asc(promptSets.name), desc(promptSets.version))
    .all();
}
