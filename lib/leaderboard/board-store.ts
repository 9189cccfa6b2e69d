// Computed boards kept in memory, keyed by prompt set, evaluator and demo filter, and
// reused while the board's fingerprint (board-inputs.ts) is unchanged: a page view of an
// unchanged board is one aggregate query plus a lookup; a changed costly board is served in its
// previous version, marked updating, while the new one is computed in a worker thread
// (board-thread.ts), and a costly board never computed before is served empty, marked
// updating with no computedAt, meanwhile. The rankings of one board at
// different options (level, B, seed) and its head-to-heads are kept beside it and
// dropped together when the board changes.
import type { Worker } from "node:worker_threads";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { promptScores, runScores, runs, variants } from "../../db/schema";
import { startTsWorker } from "../core/threads";
import { compareVariants, rankVariants, type Ranking, type RankingOptions, type VariantComparison } from "../ranking";
import { boardFingerprint, boardRunFilter, loadBoardInputs, type BoardInputs, type BoardScope } from "./board-inputs";
import { ENTRY_POINTS } from "../core/entry-points";

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
const scopeKey = (s: BoardScope) =>
  JSON.stringify([s.promptSetId, s.evaluatorId, s.includeDemo, s.source ?? null, s.includePartial ?? false]);

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

let generation = 0;
/** Moves whenever a computed board is installed or dropped (page-version.ts: cached pages showing the old one miss). */
export function boardGeneration(): number {
  return generation;
}

/**
 * A changed board whose previous computation took less than this is recomputed within the
 * request (its readers see the change at once); a costlier one is served stale meanwhile.
 */
export const INLINE_RECOMPUTE_MS = 2000;

/**
 * A board never computed before is computed within the request when it has at most this many
 * (run, prompt) rows (the demo board has 240; the large benchmark board 400 000, about 0.1 ms
 * each); a larger one is computed in the worker thread while the page says so.
 */
export const INLINE_FIRST_ROWS = 10_000;

/** (run, prompt) rows of a board: what its computation's cost grows with. One indexed count. */
function boardRows(db: Db, scope: BoardScope): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(promptScores)
    .innerJoin(runs, eq(runs.id, promptScores.runId))
    .innerJoin(runScores, and(eq(runScores.runId, runs.id), eq(runScores.evaluatorId, promptScores.evaluatorId)))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(
      and(
        boardRunFilter(scope.promptSetId, scope.includeDemo, scope.source),
        eq(promptScores.evaluatorId, scope.evaluatorId),
      ),
    )
    .get();
  return Number(row?.n ?? 0);
}

/** The default ranking's options (the board's default level), passed with the computation. */
type DefaultOptions = RankingOptions;

type ThreadReply =
  | { id: number; ok: true; fingerprint: string; inputs: BoardInputs; ranking: Ranking | null; costMs: number }
  | { id: number; ok: false; error: string };

let thread: Worker | undefined;
let jobIds = 0;
const waiting = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>();

/** The board thread, started on first use; it does not keep the process alive. */
function boardThread(): Worker {
  if (thread) return thread;
  const t = startTsWorker(ENTRY_POINTS.boardThread);
  t.unref();
  t.on("message", (r: ThreadReply) => {
    waiting.get(r.id)?.resolve(r);
    waiting.delete(r.id);
  });
  const fail = (e: Error) => {
    if (thread === t) thread = undefined;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  t.on("error", fail);
  t.on("exit", (code) => fail(new Error(`board thread exited with code ${code}`)));
  thread = t;
  return t;
}

/** Loads and ranks a board in the board thread (board-thread.ts). */
async function computeOffThread(db: Db, scope: BoardScope, options: DefaultOptions): Promise<Entry> {
  const id = ++jobIds;
  const reply = await new Promise<ThreadReply>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    boardThread().postMessage({ id, file: db.$client.name, scope, options });
  });
  if (!reply.ok) throw new Error(reply.error);
  return {
    fingerprint: reply.fingerprint,
    costMs: reply.costMs,
    computedAt: new Date(),
    inputs: reply.inputs,
    rankings: new Map([[JSON.stringify(options), reply.ranking]]),
    comparisons: new Map(),
  };
}

/** Starts computing the board in the board thread unless that is under way; installs it when done. */
function scheduleComputation(db: Db, scope: BoardScope, key: string, options: DefaultOptions): void {
  if (updating.has(key)) return;
  updating.add(key);
  computeOffThread(db, scope, options)
    .then((entry) => {
      boards.delete(key);
      remember(boards, key, () => entry, MAX_STORED_BOARDS);
    })
    .catch((e: unknown) => {
      console.error(`computing board ${key} failed:`, e);
      boards.delete(key);
    })
    .finally(() => {
      generation++;
      updating.delete(key);
    });
}

function compute(db: Db, scope: BoardScope, fingerprint: string, options: DefaultOptions): Entry {
  const t0 = performance.now();
  const entry: Entry = {
    fingerprint,
    costMs: 0,
    computedAt: new Date(),
    inputs: loadBoardInputs(db, scope),
    rankings: new Map(),
    comparisons: new Map(),
  };
  // The default ranking (what `/` shows first) is computed with the inputs.
  storedRanking(entry, options);
  entry.costMs = performance.now() - t0;
  return entry;
}

export type StoredBoard = Omit<Entry, "computedAt"> & {
  /** null: never computed yet (being computed; inputs are empty meanwhile). */
  computedAt: Date | null;
  /** True while a newer version is being computed: this is the previous one (or an empty placeholder). */
  updating: boolean;
};

/**
 * The board's inputs, reloaded only when its fingerprint changed. A changed board whose stored
 * version took `inlineBudgetMs` or more to compute, or a board never computed that has more than
 * `inlineRows` (run, prompt) rows, is computed in the board thread (board-thread.ts) and
 * meanwhile returned in its previous version (or empty, computedAt null) marked `updating`: no
 * request waits for it. A cheaper board is computed at once, within the request.
 */
export function storedBoard(
  db: Db,
  scope: BoardScope,
  inlineBudgetMs = INLINE_RECOMPUTE_MS,
  inlineRows = INLINE_FIRST_ROWS,
  defaultOptions: DefaultOptions = {},
): StoredBoard {
  const key = scopeKey(scope);
  const fingerprint = boardFingerprint(db, scope);
  const old = boards.get(key);
  if (old && old.fingerprint === fingerprint)
    return { ...remember(boards, key, () => old, MAX_STORED_BOARDS), updating: false };
  if (updating.has(key) || (old ? old.costMs >= inlineBudgetMs : boardRows(db, scope) > inlineRows)) {
    scheduleComputation(db, scope, key, defaultOptions);
    if (old) return { ...old, updating: true };
    return {
      fingerprint,
      costMs: 0,
      computedAt: null,
      inputs: { runs: [], prompts: 0, setPrompts: 0, inputs: [] },
      rankings: new Map(),
      comparisons: new Map(),
      updating: true,
    };
  }
  boards.delete(key);
  const entry = compute(db, scope, fingerprint, defaultOptions);
  generation++;
  return { ...remember(boards, key, () => entry, MAX_STORED_BOARDS), updating: false };
}

export function storedRanking(entry: Pick<Entry, "inputs" | "rankings">, options: RankingOptions = {}): Ranking | null {
  return remember(
    entry.rankings,
    JSON.stringify(options ?? {}),
    () => (entry.inputs.inputs.length ? rankVariants(entry.inputs.inputs, options) : null),
    MAX_PER_BOARD,
  );
}

export function storedComparison(
  entry: Pick<Entry, "inputs" | "comparisons">,
  a: string,
  b: string,
  options: RankingOptions = {},
): VariantComparison | null {
  const va = entry.inputs.inputs.find((i) => i.variantId === a);
  const vb = entry.inputs.inputs.find((i) => i.variantId === b);
  if (!va || !vb) return null;
  return remember(
    entry.comparisons,
    JSON.stringify([a, b, options]),
    () => compareVariants(va, vb, options),
    MAX_PER_BOARD,
  );
}

/** Resolves once no board is being recomputed (tests, benchmarks). */
export async function boardsSettled(): Promise<void> {
  while (updating.size > 0) await new Promise((r) => setImmediate(r));
}

/** Forgets every stored board (tests, and after a schema change). */
export function clearBoardStore(): void {
  boards.clear();
  generation++;
}
