// The floor plan as a test (docs/architecture.md draws it). Each room of lib/ sits on a floor;
// a file may import its own room and the rooms below it, never above. The product (lib/, db/,
// app/, server/ and the two Next.js hooks) never imports the workshop (tools/), the entry points
// (scripts/) or the tests. Read from `git ls-files` (tracked and new, unignored files), so a
// stray import fails here before it reaches a user.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../lib/core/entry-points";

/** The rooms of lib/ and db/, lowest floor first. */
const FLOORS: string[][] = [
  ["lib/core"],
  ["lib/metrics", "lib/clip", "lib/manifest"],
  ["lib/ranking", "lib/diffusion", "lib/toy-world"],
  ["db"],
  ["lib/embeddings", "lib/storage", "lib/auth", "lib/jobs"],
  ["lib/audit"],
  ["lib/prompt-sets", "lib/uploads", "lib/samples"],
  ["lib/scoring"],
  ["lib/generation", "lib/reference-sets", "lib/variants"],
  ["lib/runs"],
  ["lib/leaderboard"],
  ["lib/http"],
  ["lib/workers"],
  ["lib/demo"],
];

/**
 * Imports allowed to run upward, each with its reason. At most two; a third is a sign that a
 * helper sits in the wrong room (move it down) or an orchestrator too low (move it up).
 */
const UPWARD_ALLOWED: Array<{ from: string; to: string; why: string }> = [];

const PRODUCT = /^(lib|db|app|server)\/|^(instrumentation|proxy)\.ts$/;
const WORKSHOP = /^(tools|scripts|e2e|tests)\//;
const isTest = (f: string) => /\.(test|spec)\.tsx?$/.test(f);

const files = execFileSync("git", ["ls-files", "-c", "-o", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter((f) => /\.(ts|tsx|mjs)$/.test(f) && fs.existsSync(f));
const known = new Set(files);

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = spec.slice(2);
  else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  else return null;
  for (const ext of ["", ".ts", ".tsx", ".mjs", "/index.ts", "/index.tsx"])
    if (known.has(base + ext)) return base + ext;
  return base;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;
const edges = new Map<string, string[]>(
  files.map((f) => {
    const src = fs.readFileSync(f, "utf8");
    const out: string[] = [];
    for (const m of src.matchAll(IMPORT)) {
      const target = resolveImport(f, m[1] ?? m[2] ?? m[3]!);
      if (target) out.push(target);
    }
    return [f, out];
  }),
);

function roomOf(f: string): string | null {
  if (f.startsWith("db/")) return "db";
  const m = /^lib\/([^/]+)\//.exec(f);
  return m ? `lib/${m[1]}` : null;
}
const floorOf = new Map(FLOORS.flatMap((rooms, i) => rooms.map((r) => [r, i] as const)));

/** Non-test product files' imports between rooms: [from file, to file, from room, to room]. */
const roomEdges = [...edges].flatMap(([f, targets]) => {
  const a = roomOf(f);
  if (!a || isTest(f)) return [];
  return targets.flatMap((t) => {
    const b = roomOf(t);
    return b && b !== a ? [[f, t, a, b] as const] : [];
  });
});

function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of graph.keys())
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  return null;
}

describe("the floor plan", () => {
  it("places every room of lib/ on a floor", () => {
    const rooms = new Set(files.map(roomOf).filter((r): r is string => r !== null));
    expect([...rooms].filter((r) => !floorOf.has(r))).toEqual([]);
  });

  it("keeps the product out of the workshop: lib/, db/, app/ and server/ never import tools/, scripts/, e2e/ or tests/", () => {
    const bad = [...edges]
      .filter(([f]) => PRODUCT.test(f) && !isTest(f))
      .flatMap(([f, ts]) => ts.filter((t) => WORKSHOP.test(t)).map((t) => `${f} -> ${t}`));
    expect(bad).toEqual([]);
  });

  it("keeps lib/core at the bottom: it imports nothing else in lib/ or db/", () => {
    const bad = roomEdges.filter(([, , a]) => a === "lib/core").map(([f, t]) => `${f} -> ${t}`);
    expect(bad).toEqual([]);
  });

  it("keeps the queue below its workers: lib/jobs never imports lib/workers", () => {
    const bad = roomEdges
      .filter(([, , a, b]) => a === "lib/jobs" && b === "lib/workers")
      .map(([f, t]) => `${f} -> ${t}`);
    expect(bad).toEqual([]);
  });

  it("has no import to a room on a higher floor, but the listed exceptions (at most two)", () => {
    expect(UPWARD_ALLOWED.length).toBeLessThanOrEqual(2);
    const upward = roomEdges
      .filter(
        ([, , a, b]) => floorOf.get(b)! >= floorOf.get(a)! && !UPWARD_ALLOWED.some((u) => u.from === a && u.to === b),
      )
      .map(([f, t]) => `${f} -> ${t}`);
    expect(upward).toEqual([]);
  });

  it("is drawn in docs/architecture.md: one table row per floor, top floor first, naming its rooms", () => {
    const doc = fs.readFileSync("docs/architecture.md", "utf8");
    const drawn = [...doc.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => ({
      floor: Number(m[1]),
      rooms: [...m[2]!.matchAll(/`([^`]+)`/g)].map((r) => r[1]!),
    }));
    expect(drawn).toEqual(FLOORS.map((rooms, floor) => ({ floor, rooms })).reverse());
  });

  it("has no cycle between rooms", () => {
    const graph = new Map<string, Set<string>>();
    for (const [, , a, b] of roomEdges) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    expect(findCycle(graph)).toBeNull();
  });

  it("has no cycle between files of the product", () => {
    const graph = new Map<string, Set<string>>();
    for (const [f, ts] of edges)
      if (PRODUCT.test(f) && !isTest(f)) graph.set(f, new Set(ts.filter((t) => PRODUCT.test(t))));
    expect(findCycle(graph)).toBeNull();
  });
});

describe("paths the type checker cannot see", () => {
  it("names only files that exist in ENTRY_POINTS", () => {
    const missing = Object.entries(ENTRY_POINTS).filter(([, p]) => !fs.existsSync(p));
    expect(missing).toEqual([]);
  });

  it("runs only files that exist from package.json's scripts", () => {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    const missing = Object.entries(pkg.scripts).flatMap(([name, cmd]) =>
      [...cmd.matchAll(/\b(?:tsx|node)\s+(\S+\.(?:ts|mjs))/g)]
        .filter((m) => !fs.existsSync(m[1]!))
        .map((m) => `${name}: ${m[1]}`),
    );
    expect(missing).toEqual([]);
  });

  it("keeps scripts/ to entry points grouped by kind", () => {
    const loose = files.filter((f) => /^scripts\/[^/]+$/.test(f) || (/^scripts\//.test(f) && isTest(f)));
    expect(loose).toEqual([]);
  });
});
