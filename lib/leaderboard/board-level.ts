// The default diversity level of a board (one prompt set version, one evaluator), chosen by the
// rules of lib/ranking/level-rules.ts in their order, none of which reads the variants on the
// board except the freeze, once:
//   1. the latest reference set tied to the prompt set version whose images the evaluator has
//      embedded: the mean over its prompts with at least 2 images of their pairwise diversity;
//   2. the level an admin set (prompt_set_levels, source admin; setPromptSetLevel);
//   3. the level frozen when the board was first ranked with 2 or more variants (prompt_set_levels,
//      source frozen): the highest diversity every curve then reached.
// Every change of 2 and 3 is recorded in the audit log.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { getDb } from "../../db/client";
import {
  apiKeys,
  auditLog,
  embeddings,
  evaluators,
  promptSetLevels,
  referenceImages,
  referenceSets,
  type PromptSetLevelRow,
} from "../../db/schema";
import { requireAdmin, type Actor } from "../auth/authorize-mutation";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../core/errors";
import { decodeVector } from "../embeddings/vector-codec";
import { pairwiseDiversity } from "../metrics/pairwise-diversity";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { diversityLevelSchema, levelRuleText, type DefaultLevel } from "../ranking";

export type BoardLevelScope = { promptSetId: string; evaluatorId: string };

/** The default level with what chose it, as the page and the API show it. */
export type BoardLevel = DefaultLevel & {
  referenceSet?: { id: string; name: string; version: number; prompts: number };
  /** When an admin set it or it was frozen. */
  setAt?: string;
};

type ReferenceLevel = { value: number; prompts: number };
/** Reference sets never change once made (a new upload is a new version): their level is cached. */
const referenceCache = new Map<string, ReferenceLevel>();

/** Mean pairwise diversity over the set's prompts with ≥ 2 images the evaluator embedded; null without one. */
export function referenceSetDiversity(db: DbOrTx, referenceSetId: string, evaluatorId: string): ReferenceLevel | null {
  const key = `${referenceSetId}\u0000${evaluatorId}`;
  const cached = referenceCache.get(key);
  if (cached) return cached;
  const rows = db
    .select({ promptId: referenceImages.promptId, vector: embeddings.vector })
    .from(referenceImages)
    .innerJoin(
      embeddings,
      and(
        eq(embeddings.kind, "image"),
        eq(embeddings.key, referenceImages.imageSha256),
        eq(embeddings.evaluatorId, evaluatorId),
      ),
    )
    .where(and(eq(referenceImages.referenceSetId, referenceSetId), isNotNull(referenceImages.promptId)))
    .all();
  const byPrompt = new Map<number, Float32Array[]>();
  for (const r of rows) {
    const list = byPrompt.get(r.promptId!) ?? [];
    list.push(decodeVector(r.vector));
    byPrompt.set(r.promptId!, list);
  }
  let sum = 0;
  let prompts = 0;
  for (const vs of byPrompt.values()) {
    if (vs.length < 2) continue;
    const d = pairwiseDiversity(vs);
    if (d.value === null) continue;
    sum += d.value;
    prompts++;
  }
  if (prompts === 0) return null;
  const level = { value: sum / prompts, prompts };
  referenceCache.set(key, level);
  return level;
}

/** The stored admin or frozen level of the board, if any. */
export function storedLevel(db: DbOrTx, scope: BoardLevelScope): PromptSetLevelRow | undefined {
  return db
    .select()
    .from(promptSetLevels)
    .where(and(eq(promptSetLevels.promptSetId, scope.promptSetId), eq(promptSetLevels.evaluatorId, scope.evaluatorId)))
    .get();
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The board's default level by the rules above; null when no rule yields one yet (the caller may freeze one). */
export function boardDefaultLevel(db: DbOrTx, scope: BoardLevelScope): BoardLevel | null {
  const sets = db
    .select()
    .from(referenceSets)
    .where(eq(referenceSets.promptSetId, scope.promptSetId))
    .orderBy(desc(referenceSets.createdAt), desc(referenceSets.version))
    .all();
  for (const set of sets) {
    const ref = referenceSetDiversity(db, set.id, scope.evaluatorId);
    if (!ref) continue;
    return {
      value: Math.min(2, Math.max(0, ref.value)),
      source: "reference-set",
      rule: levelRuleText.referenceSet(set.name, set.version, ref.prompts),
      referenceSet: { id: set.id, name: set.name, version: set.version, prompts: ref.prompts },
    };
  }
  const row = storedLevel(db, scope);
  if (!row) return null;
  if (row.source === "admin") {
    const by = row.apiKeyId
      ? (db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, row.apiKeyId)).get()?.name ?? null)
      : null;
    return {
      value: row.level,
      source: "admin",
      rule: levelRuleText.admin(by, row.note),
      setAt: row.updatedAt.toISOString(),
    };
  }
  return {
    value: row.level,
    source: "frozen",
    rule: levelRuleText.frozen(day(row.createdAt)),
    setAt: row.createdAt.toISOString(),
  };
}

/**
 * Stores `value` as the board's frozen level (rule 3) unless a level is stored already, and
 * records it in the audit log as done by the service. Returns the level now in force.
 */
export function freezeBoardLevel(scope: BoardLevelScope, value: number, variants: number): BoardLevel | null {
  const db = getDb();
  db.transaction((tx) => {
    if (storedLevel(tx, scope)) return;
    tx.insert(promptSetLevels)
      .values({ promptSetId: scope.promptSetId, evaluatorId: scope.evaluatorId, level: value, source: "frozen" })
      .run();
    tx.insert(auditLog)
      .values({
        apiKeyId: null,
        apiKeyName: "service",
        action: "prompt_set.level_freeze",
        targetType: "prompt_set",
        targetId: scope.promptSetId,
        details: { evaluatorId: scope.evaluatorId, level: value, variants },
      })
      .run();
  });
  return boardDefaultLevel(db, scope);
}

export type SetLevelInput = {
  promptSet: string;
  version?: number;
  evaluatorId: string;
  /** null clears the admin's level (the freeze rule then applies again). */
  diversity: number | null;
  note?: string;
};

/** An admin sets (or clears) the default level of a prompt set version for an evaluator; audited. */
export function setPromptSetLevel(
  input: SetLevelInput,
  actor: Actor,
): { promptSetId: string; level: BoardLevel | null } {
  requireAdmin(actor, "set a prompt set's default diversity level");
  const db = getDb();
  const set = findPromptSetOrThrow(db, input.promptSet, input.version);
  if (input.diversity !== null && !diversityLevelSchema.safeParse(input.diversity).success)
    throw new AppError("validation_failed", `diversity ${input.diversity} is outside 0–2 (pairwise diversity)`);
  if (!db.select({ id: evaluators.id }).from(evaluators).where(eq(evaluators.id, input.evaluatorId)).get())
    throw new AppError("not_found", `no evaluator "${input.evaluatorId}"`);
  const scope = { promptSetId: set.id, evaluatorId: input.evaluatorId };
  db.transaction((tx) => {
    const before = storedLevel(tx, scope);
    tx.delete(promptSetLevels)
      .where(and(eq(promptSetLevels.promptSetId, set.id), eq(promptSetLevels.evaluatorId, input.evaluatorId)))
      .run();
    if (input.diversity !== null)
      tx.insert(promptSetLevels)
        .values({
          ...scope,
          level: input.diversity,
          source: "admin",
          note: input.note?.trim() || null,
          apiKeyId: actor.id,
        })
        .run();
    recordAudit(tx, actor, {
      action: input.diversity === null ? "prompt_set.level_clear" : "prompt_set.level_set",
      targetType: "prompt_set",
      targetId: set.id,
      details: {
        promptSet: `${set.name} v${set.version}`,
        evaluatorId: input.evaluatorId,
        level: input.diversity,
        before: before ? { level: before.level, source: before.source } : null,
        ...(input.note ? { note: input.note } : {}),
      },
    });
  });
  return { promptSetId: set.id, level: boardDefaultLevel(db, scope) };
}

/** GET …/level: the default level of a prompt set version's board for an evaluator (null when no rule applies yet). */
export function getPromptSetLevel(
  promptSet: string,
  evaluatorId: string,
  version?: number,
): { promptSet: { id: string; name: string; version: number }; evaluatorId: string; level: BoardLevel | null } {
  const db = getDb();
  const set = findPromptSetOrThrow(db, promptSet, version);
  return {
    promptSet: { id: set.id, name: set.name, version: set.version },
    evaluatorId,
    level: boardDefaultLevel(db, { promptSetId: set.id, evaluatorId }),
  };
}

/** Forgets cached reference levels (tests). */
export function clearReferenceLevelCache(): void {
  referenceCache.clear();
}
