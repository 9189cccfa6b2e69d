// The prompt set of an upload that names none: `upload-<shortsha>` over its sorted distinct
// prompt identities (promptIdentity), so the same prompt list always maps to the same set,
// however its prompts are capitalised or spaced.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { promptSets, type PromptSetRow } from "../../db/schema";
import { IMPLICIT_PREFIX } from "./create-prompt-set";
import { insertPromptSet } from "./insert-prompt-set";
import { promptIdentity, promptKeyFor } from "./prompt-key";

export function implicitPromptSetName(texts: readonly string[]): string {
  const sorted = [...new Set(texts.map(promptIdentity))].sort();
  return `${IMPLICIT_PREFIX}${createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 12)}`;
}

/** Finds or creates (inside the caller's transaction) the implicit set of these prompts. */
export function ensureImplicitPromptSet(tx: DbOrTx, texts: readonly string[]): PromptSetRow {
  const name = implicitPromptSetName(texts);
  const existing = tx.select().from(promptSets).where(and(eq(promptSets.name, name), eq(promptSets.version, 1))).get();
  if (existing) return existing;
  const spelling = new Map<string, string>();
  for (const t of texts) if (!spelling.has(promptIdentity(t))) spelling.set(promptIdentity(t), t);
  const sorted = [...spelling.values()].sort();
  return insertPromptSet(
    tx,
    { name, version: 1, description: `prompts of an upload (${sorted.length} distinct)`, isImplicit: true, isDemo: false },
    sorted.map((text) => ({ key: promptKeyFor(text), text, category: null })),
  );
}
