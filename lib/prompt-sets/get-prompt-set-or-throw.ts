// One prompt set (by name, latest version unless one is given; or by id) with its prompts.
import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "../../db/client";
import { prompts, promptSets, runs, type PromptRow, type PromptSetRow } from "../../db/schema";
import { AppError } from "../core/errors";

export type PromptSetDetail = PromptSetRow & {
  prompts: Pick<PromptRow, "id" | "promptKey" | "text" | "category" | "position">[];
  runCount: number;
};

/** The row only; throws 404. */
export function findPromptSetOrThrow(db: DbOrTx, nameOrId: string, version?: number): PromptSetRow {
  const row = db
    .select()
    .from(promptSets)
    .where(
      version === undefined
        ? or(eq(promptSets.name, nameOrId), eq(promptSets.id, nameOrId))
        : and(eq(promptSets.name, nameOrId), eq(promptSets.version, version)),
    )
    .orderBy(desc(promptSets.version))
    .limit(1)
    .get();
  if (!row)
    throw new AppError("not_found", `no prompt set "${nameOrId}"${version === undefined ? "" : ` version ${version}`}`);
  return row;
}

export function getPromptSetOrThrow(nameOrId: string, version?: number): PromptSetDetail {
  const db = getDb();
  const set = findPromptSetOrThrow(db, nameOrId, version);
  const list = db
    .select({
      id: prompts.id,
      promptKey: prompts.promptKey,
      text: prompts.text,
      category: prompts.category,
      position: prompts.position,
    })
    .from(prompts)
    .where(eq(prompts.promptSetId, set.id))
    .orderBy(asc(prompts.position))
    .all();
  const { n } = db
    .select({ n: sql<number>`count(*)` })
    .from(runs)
    .where(eq(runs.promptSetId, set.id))
    .get()!;
  return { ...set, prompts: list, runCount: n };
}
