// The prompt set of an upload that names none: `upload-<shortsha>` over its sorted distinct
// prompts, so the same prompt list always maps to the same set.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { promptSets, type PromptSetRow } from "../../db/schema";
import { IMPLICIT_PREFIX } from "./create-prompt-set";
import { insertPromptSet } from "./insert-prompt-set";
import { promptKeyFor } from "./prompt-key";

export function implicitPromptSetName(texts: readonly string[]): string {
  const sorted = [...new Set(texts)].sort();
  return `${IMPLICIT_PREFIX}${createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 12)}`;
}

/** Finds or creates (inside the caller's transaction) the implicit set of these prompts; a new set is owned by `apiKeyId`. */
export function ensureImplicitPromptSet(tx: DbOrTx, texts: readonly string[], apiKeyId: string | null = null): PromptSetRow {
  const name = implicitPromptSetName(texts);
  const existing = tx.select().from(promptSets).where(and(eq(promptSets.name, name), eq(promptSets.version, 1))).get();
  if (existing) return existing;
  const sorted = [...new Set(texts)].sort();
  return insertPromptSet(
    tx,
    { name, version: 1, description: `prompts of an upload (${sorted.length} distinct)`, isImplicit: true, isDemo: false, apiKeyId },
    sorted.map((text) => ({ key: promptKeyFor(text), text, category: null })),
  );
}
