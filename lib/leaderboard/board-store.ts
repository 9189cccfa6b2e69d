// Computed boards kept in memory, keyed by prompt set, evaluator and demo filter, and
// reused while the board's fingerprint (board-inputs.ts) is unchanged: a page view of an
// unchanged board is one aggregate query plus a lookup; a changed board is served in its
// previous version, marked updating, while the new one is computed. The rankings of one board at
// different options (level, B, seed) and its head-to-heads are kept beside it and
// dropped together when the board changes.
import type { Db } from "../../db/client";
import { compareVariants, rankVariants, type Ranking, type RankingOptions, type VariantComparison } from "../ranking";
import { boardFingerprint, loadBoardInputs, type BoardInputs, type BoardScope } from "./board-inputs";

type Entry = {
  fingerprint: string;
  /** How long loading and the default ranking took (ms). */
  costMs: number;
  computedAt: Date;
  inputs: BoardInputs;
  rankings: Map<string, Ranking | null>;
  comparisons: Map<string, VariantComparison | null>;
};

/** Boards kept at once (least recently used dropped first); one per prompt set × evaluator × demo filter. */
export const MAX_STORED_BOARDS = 32;
/** Rankings (levels) and head-to-heads kept per board. */
const MAX_PER_BOARD = 64;

const boards = new Map<string, Entry>();
const scopeKey = (s: BoardScope) => JSON.stringify([s.promptSetId, s.evaluatorId, s.includeDemo]);

function remember<K, V>(map: Map<K, V>, key: K, make: () => V, max: number): V {
  if (map.has(key)) {
    const v = map.get(key)!;
    map.delete(key);
    map.set(key, v);
    return v;
  }
  const v = make();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value!);
  return v;
}

const updating = new Set<string>();

/**
 * A changed board whose previous computation took less than this is recomputed within the
 * request (its readers see the change at once); a costlier one is served stale meanwhile.
 */
export const INLINE_RECOMPUTE_MS = 2000;

function compute(db: Db, scope: BoardScope, fingerprint: string): Entry {
  const t0 = performance.now();
  const entry: Entry = { fingerprint, costMs: 0, computedAt: new Date(), inputs: loadBoardInputs(db, scope), rankings: new Map(), comparisons: new Map() };
  // The default ranking (what `/` shows first) is computed with the inputs.
  storedRanking(entry);
  entry.costMs = performance.now() - t0;
  return entry;
}

/**
 * The board's inputs, reloaded only when its fingerprint changed. When it changed and the
 * stored older version took `inlineBudgetMs` or more to compute, that version is returned
 * marked `updating` and the new one is computed once the current request has been answered
 * (setImmediate, on this thread), so no reader waits for it; a cheaper board, or one never
 * computed before, is computed at once.
 */
export function storedBoard(db: Db, scope: BoardScope, inlineBudgetMs = INLINE_RECOMPUTE_MS): Entry & { updating: boolean } {
  const key = scopeKey(scope);
  const fingerprint = boardFingerprint(db, scope);
  const old = boards.get(key);
  if (old && old.fingerprint === fingerprint) return { ...remember(boards, key, () => old, MAX_STORED_BOARDS), updating: false };
  if (old && old.costMs >= inlineBudgetMs) {
    if (!updating.has(key)) {
      updating.add(key);
      setImmediate(() => {
        try {
          // The board may have changed again meanwhile: take its fingerprint now.
          boards.set(key, compute(db, scope, boardFingerprint(db, scope)));
        } catch (e) {
          console.error(`recomputing board ${key} failed:`, e);
          boards.delete(key);
        } finally {
          updating.delete(key);
        }
      });
    }
    return { ...old, updating: true };
  }
  boards.delete(key);
  const entry = compute(db, scope, fingerprint);
  return { ...remember(boards, key, () => entry, MAX_STORED_BOARDS), updating: false };
}

export function storedRanking(entry: Entry, options: RankingOptions = {}): Ranking | null {
  return remember(entry.rankings, JSON.stringify(options ?? {}), () => (entry.inputs.inputs.length ? rankVariants(entry.inputs.inputs, options) : null), MAX_PER_BOARD);
}

export function storedComparison(entry: Entry, a: string, b: string, options: RankingOptions = {}): VariantComparison | null {
  const va = entry.inputs.inputs.find((i) => i.variantId === a);
  const vb = entry.inputs.inputs.find((i) => i.variantId === b);
  if (!va || !vb) return null;
  return remember(entry.comparisons, JSON.stringify([a, b, options]), () => compareVariants(va, vb, options), MAX_PER_BOARD);
}

/** Resolves once no board is being recomputed (tests, benchmarks). */
export async function boardsSettled(): Promise<void> {
  while (updating.size > 0) await new Promise((r) => setImmediate(r));
}

/** Forgets every stored board (tests, and after a schema change). */
export function clearBoardStore(): void {
  boards.clear();
}
