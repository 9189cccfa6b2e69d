import { describe, expect, it } from "vitest";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import type { LevelInterval, PairComparison, RankedVariant, UnrankedVariant } from "@/lib/ranking";
import type { SettingDifference } from "@/lib/runs/settings-outliers";
import { leaderboardQuery, leaderboardView, MATRIX_MAX, PLOT_MAX, type LeaderboardSearchParams } from "./view-model";

const ci = (low: number, high: number): LevelInterval => ({
  low,
  high,
  level: 0.95,
  method: "t",
  se: (high - low) / 4,
  promptVariance: ((high - low) / 4) ** 2,
  modelVariance: 0,
  df: 7,
  B: 1000,
  seed: 0,
  resamples: 1000,
  dropped: 0,
  beyondSpan: 0,
  reliable: true,
  clamped: false,
});

function ranked(variantId: string, position: number, score: number, bestVendi: number | null): RankedVariant {
  return {
    variantId,
    position,
    rank: position,
    rankWorst: position,
    significantlyBetterThan: 0,
    significantlyWorseThan: position - 1,
    dominates: [],
    score,
    extended: false,
    scoredAt: 0.4,
    range: { low: 0.3, high: 0.5 },
    outOfRange: null,
    ci: ci(score - 1, score + 1),
    replicateVariance: { replicates: 1, known: false, scoreSd: null, modelSd: null, promptSe: 0.5 },
    replicates: [],
    curve: [],
    fitted: [],
    bestClipScore: score + 1,
    bestDiversity: 0.5,
    bestVendi,
    hypervolume: 10,
    runs: 2,
    prompts: 8,
  };
}

function unranked(variantId: string): UnrankedVariant {
  return {
    variantId,
    reasonCode: "below_level",
    reason: "its curve reaches diversity 0.2 only",
    range: { low: 0.1, high: 0.2 },
    outOfRange: "above",
    replicates: [],
    curve: [],
    fitted: [],
    bestClipScore: 20,
    bestDiversity: 0.2,
    bestVendi: null,
    hypervolume: null,
    runs: 1,
    prompts: 8,
  };
}

function pair(a: string, b: string, estimate: number, pAdjusted: number): PairComparison {
  return {
    a,
    b,
    difference: {
      estimate,
      ci: ci(estimate - 0.5, estimate + 1),
      pValue: pAdjusted,
      resamples: 990,
      reliable: true,
      mde: 1.2,
    },
    pAdjusted,
    significant: pAdjusted < 0.05,
    components: null,
    dominant: null,
  };
}

const variant = (id: string, name: string, conditioningType: string) => ({
  id,
  name,
  conditioningType: conditioningType as never,
  description: null,
  model: null,
  isDemo: false,
});

/** Three ranked variants (a text-sequence one first), one below the level and one without a rankable run. */
function board(over: Partial<RankedBoard> = {}): RankedBoard {
  const variants = {
    va: variant("va", "alpha", "text_sequence"),
    vb: variant("vb", "beta", "clip_image_embedding"),
    vc: variant("vc", "gamma & co", "text_sequence"),
    vd: variant("vd", "delta", "clip_image_embedding"),
    ve: variant("ve", "epsilon", "text_sequence"),
  };
  return {
    methodVersion: "3",
    promptSet: { id: "ps1", name: "my set", version: 3, isDemo: false, isImplicit: false },
    evaluators: [],
    evaluator: { id: "clip/vit b+32", name: "clip", variant: "fp32", isFixture: false },
    variants,
    runs: [
      {
        runId: "r1",
        variantId: "va",
        guidanceScale: 3,
        replicate: null,
        isDemo: false,
        n: 8,
        clipScore: 30,
        diversity: 0.4,
        vendi: 2,
        promptsCovered: 8,
        source: "upload",
        ranked: true,
      },
      {
        runId: "r2",
        variantId: "vb",
        guidanceScale: 5,
        replicate: null,
        isDemo: true,
        n: 8,
        clipScore: 29,
        diversity: 0.5,
        vendi: 2,
        promptsCovered: 8,
        source: "upload",
        ranked: true,
      },
    ],
    prompts: 8,
    setPrompts: 8,
    includePartial: false,
    ranking: {
      methodVersion: "3",
      diversity: {
        value: 0.4,
        isDefault: true,
        source: "frozen",
        rule: "the prompt set's level",
        dependsOnVariants: false,
      },
      window: { low: 0.3, high: 0.5 },
      maxLevel: 0.5,
      significance: { calibrated: true, withheld: null, minPrompts: 8 },
      power: {
        power: 0.8,
        alpha: 0.05,
        prompts: 8,
        samplesPerPrompt: 4,
        replicates: { min: 1, max: 1 },
        mde: 1.2,
        mdeHolm: 1.5,
        components: null,
      },
      ranked: [ranked("va", 1, 31, 2.5), ranked("vb", 2, 29, null), ranked("vc", 3, 27, 3.1)],
      unranked: [unranked("vd")],
      pairs: [pair("va", "vb", 2, 0.01), pair("va", "vc", 4, 0.001), pair("vb", "vc", 2, 0.2)],
      prompts: 8,
      settings: { B: 1000, level: 0.95, seed: 0, significance: 0.05 },
    },
    excluded: [{ variantId: "ve", reason: "no scored run" }],
    computedAt: "2026-01-01T00:00:00.000Z",
    updating: false,
    level: null,
    ...over,
  };
}

const view = (sp: LeaderboardSearchParams, b = board(), differ = new Map<string, SettingDifference[]>()) =>
  leaderboardView(sp, { board: b, firstPromptKey: "p/1 ?", settingsDiffer: differ });
const names = (v: ReturnType<typeof view>) => v.ranked.map((r) => r.variantId);
const params = (href: string) => Object.fromEntries(new URL(href, "http://x").searchParams);

describe("leaderboardQuery", () => {
  it("reads a diversity level in 0–2, and flags one that is not a number in range instead of failing", () => {
    expect(leaderboardQuery({ diversity: "0.3" })).toMatchObject({ level: 0.3, levelInvalid: false });
    expect(leaderboardQuery({})).toMatchObject({ level: undefined, levelInvalid: false });
    expect(leaderboardQuery({ diversity: "" })).toMatchObject({ level: undefined, levelInvalid: false });
    expect(leaderboardQuery({ diversity: "abc" })).toMatchObject({ level: undefined, levelInvalid: true });
    expect(leaderboardQuery({ diversity: "2.5" })).toMatchObject({ level: undefined, levelInvalid: true });
  });

  it("keeps only known sources and conditioning types, and hides demo runs only for demo=hide", () => {
    expect(leaderboardQuery({ source: "generated", type: "text_sequence", demo: "hide" })).toMatchObject({
      source: "generated",
      type: "text_sequence",
      includeDemo: false,
    });
    expect(leaderboardQuery({ source: "elsewhere", type: "paint", demo: "show" })).toMatchObject({
      source: undefined,
      type: undefined,
      includeDemo: true,
    });
  });
});

describe("leaderboardView", () => {
  it("orders rows by rank by default and by the column asked for, either way", () => {
    expect(names(view({}))).toEqual(["va", "vb", "vc"]);
    expect(names(view({ sort: "score", dir: "asc" }))).toEqual(["vc", "vb", "va"]);
    expect(names(view({ sort: "name" }))).toEqual(["va", "vb", "vc"]);
    expect(names(view({ sort: "name", dir: "desc" }))).toEqual(["vc", "vb", "va"]);
    // A missing value sorts last when descending: beta has no Vendi score.
    expect(names(view({ sort: "bestVendi" }))).toEqual(["vc", "va", "vb"]);
    expect(names(view({ sort: "no-such-column" }))).toEqual(["va", "vb", "vc"]);
  });

  it("gives each column header a link that sorts by it, descending first, keeping the other parameters", () => {
    const v = view({ promptSet: "my set", sort: "score", dir: "desc", type: "text_sequence" });
    const score = v.headers.find((h) => h.column === "score")!;
    expect(score).toMatchObject({ ariaSort: "descending", arrow: " ▼" });
    expect(params(score.href)).toEqual({ promptSet: "my set", sort: "score", dir: "asc", type: "text_sequence" });
    const rank = v.headers.find((h) => h.column === "rank")!;
    expect(rank).toMatchObject({ ariaSort: "none", arrow: "" });
    expect(params(rank.href)).toMatchObject({ sort: "rank", dir: "desc" });
    expect(v.headers.map((h) => h.label)[2]).toBe("Fidelity at the diversity level");
  });

  it("keeps only the variants of the conditioning type asked for, in the table and under Not ranked", () => {
    const v = view({ type: "text_sequence" });
    expect(names(v)).toEqual(["va", "vc"]);
    expect(v.notRanked).toEqual([{ variantId: "ve", reason: "no scored run" }]);
    expect(view({}).notRanked.map((n) => n.variantId)).toEqual(["vd", "ve"]);
    // The list's heading stays while the board has any unranked variant, as the page always drew it.
    expect(view({ type: "clip_text_embedding" })).toMatchObject({ notRanked: [], showNotRanked: true });
    expect(view({}, board({ excluded: [], ranking: { ...board().ranking!, unranked: [] } })).showNotRanked).toBe(false);
  });

  it("writes the export, plot-data and side-by-side links with the board's scope, encoded", () => {
    const v = view({ demo: "hide", diversity: "0.3", source: "uploaded" });
    expect(v.links.plotData.startsWith("/api/v1/plot-data?view=leaderboard&promptSet=")).toBe(true);
    const scope = {
      promptSet: "my set",
      version: "3",
      evaluator: "clip/vit b+32",
      includeDemo: "false",
      diversity: "0.3",
      source: "uploaded",
    };
    expect(params(v.links.plotData)).toEqual({ view: "leaderboard", ...scope });
    expect(params(v.links.export({ table: "pairs", format: "csv" }))).toEqual({
      ...scope,
      table: "pairs",
      format: "csv",
    });
    expect(v.links.export({ format: "json" })).toMatch(/^\/api\/v1\/leaderboard\/export\?promptSet=my\+set&version=3&/);
    expect(v.links.export({ format: "json" })).toMatch(/&format=json$/);
    const side = new URL(v.links.sideBySide!, "http://x");
    expect(side.pathname).toBe("/prompts/p%2F1%20%3F");
    expect(Object.fromEntries(side.searchParams)).toEqual({
      promptSet: "my set",
      evaluator: "clip/vit b+32",
      diversity: "0.3",
    });
    expect(params(v.links.variant("vc"))).toEqual({ promptSet: "my set" });
  });

  it("leaves out of the links what the URL did not set or set wrongly", () => {
    const v = view({ diversity: "x", source: "nowhere" });
    expect(params(v.links.plotData)).toEqual({
      view: "leaderboard",
      promptSet: "my set",
      version: "3",
      evaluator: "clip/vit b+32",
    });
    expect(params(v.links.sideBySide!)).toEqual({ promptSet: "my set", evaluator: "clip/vit b+32" });
    expect(view({}, board(), undefined).links.sideBySide).toBeDefined();
    expect(
      leaderboardView({}, { board: board(), firstPromptKey: undefined, settingsDiffer: new Map() }).links.sideBySide,
    ).toBeUndefined();
  });

  it("fills the pairwise matrix both ways: the lower half is the negated pair with its interval flipped", () => {
    const m = view({}).matrix!;
    expect(m.variantIds).toEqual(["va", "vb", "vc"]);
    expect(m.cells[0]![0]).toBeNull();
    expect(m.cells[0]![1]).toMatchObject({ pAdjusted: 0.01, significant: true, difference: { estimate: 2 } });
    const lower = m.cells[1]![0]!;
    expect(lower.difference.estimate).toBe(-2);
    expect(lower.difference.ci).toMatchObject({ low: -3, high: -1.5 });
    expect(lower).toMatchObject({ pAdjusted: 0.01, significant: true });
    expect(m.cells[2]![1]).toMatchObject({ significant: false, difference: { estimate: -2 } });
    expect(m).toMatchObject({ B: 1000, level: 0.95, alpha: 0.05, truncated: false });
  });

  it("shows at most MATRIX_MAX variants in the matrix and PLOT_MAX curves, and says so", () => {
    const many = Array.from({ length: 14 }, (_, i) => ranked(`v${i}`, i + 1, 40 - i, null));
    const b = board({
      variants: Object.fromEntries(many.map((r) => [r.variantId, variant(r.variantId, r.variantId, "other")])),
      ranking: { ...board().ranking!, ranked: many, unranked: [], pairs: [] },
      excluded: [],
    });
    const v = view({}, b);
    expect(v.matrix!.variantIds).toHaveLength(MATRIX_MAX);
    expect(v.matrix!.truncated).toBe(true);
    expect(v.plotted).toHaveLength(PLOT_MAX);
    expect(v.plotTruncated).toBe(true);
    expect(view({}).plotTruncated).toBe(false);
    expect(view({}).plotted.map((p) => p.variantId)).toEqual(["va", "vb", "vc", "vd"]);
  });

  it("has no matrix with fewer than two ranked variants", () => {
    const b = board({ ranking: { ...board().ranking!, ranked: [ranked("va", 1, 31, null)], pairs: [] } });
    expect(view({}, b).matrix).toBeNull();
    expect(view({}, board({ ranking: null })).matrix).toBeNull();
  });

  it("says which runs of a variant were made with other settings than the rest of its curve", () => {
    const differ = new Map([
      [
        "r2",
        [
          { setting: "steps", value: 20, usual: 50 },
          { setting: "sampler", value: null, usual: "ddim" },
        ],
      ],
    ]);
    const v = view({}, board(), differ);
    expect(v.settingsDiffer.get("vb")).toEqual(["guidance 5: steps 20 (others 50), sampler none (others ddim)"]);
    expect(v.settingsDiffer.has("va")).toBe(false);
    expect(v.anyDemo).toBe(true);
  });
});
