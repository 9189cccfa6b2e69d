// docs/toy-experiment.md from a toy experiment's result: diversity and CLIPScore at equal
// guidance per variant with the runs' CIs, the matched-diversity ranking as the leaderboard
// computes it, per-prompt-type breakdowns, sample grids, and only the comparisons the CIs
// support. Every number comes from the product's run and board verbs.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { listRunSamples } from "../../lib/runs/list-run-samples";
import { pathFor } from "../../lib/storage/content-store";
import {
  compareRuns,
  type PairComparison,
  type Ranking,
  type RankedVariant,
  type RankingRun,
} from "../../lib/ranking/index";
import type { ToyExperimentResult, ToyExperimentRun } from "../../lib/demo/run-toy-experiment";
import type { ToyPromptType } from "../../lib/toy-world/toy-prompts";

type Ci = { low: number; high: number };
type Metric = "diversity" | "clipScore";

const f = (v: number | null | undefined, d: number) => (v === null || v === undefined ? "–" : v.toFixed(d));
const ciOf = (r: ToyExperimentRun, m: Metric): Ci | null => r.detail.metrics?.run.ci[m] ?? null;
const valueOf = (r: ToyExperimentRun, m: Metric) => r.detail.metrics?.run[m] ?? null;
const cell = (r: ToyExperimentRun | undefined, m: Metric, d: number) => {
  if (!r) return "–";
  const ci = ciOf(r, m);
  return `${f(valueOf(r, m), d)}${ci ? ` [${f(ci.low, d)}, ${f(ci.high, d)}]` : ""}`;
};

function byTypeMean(r: ToyExperimentRun, type: ToyPromptType, m: Metric): number | null {
  const xs = (r.detail.metrics?.prompts ?? [])
    .filter((p) => p.category === type)
    .map((p) => p[m])
    .filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** A run's per-prompt statistics as the ranking reads them (older run records without cosSum: from the clamped CLIPScore). */
function rankingRun(r: ToyExperimentRun): RankingRun | null {
  const prompts = r.detail.metrics?.prompts;
  if (!prompts?.length) return null;
  return {
    runId: r.detail.id,
    guidanceScale: r.guidanceScale,
    prompts: prompts.map((p) => ({
      promptId: p.promptId,
      n: p.n - p.failed,
      cosSum: p.cosSum ?? ((p.clipScore ?? 0) * (p.n - p.failed)) / 100,
      diversity: p.diversity,
    })),
  };
}

/**
 * Runs a and b at equal guidance, paired over their shared prompts (lib/ranking compareRuns: one
 * bootstrap drawn for both runs, a t test of the difference): "higher" / "lower" when p < 0.05,
 * else "no significant difference"; with too few prompts, no call.
 */
function compare(a: ToyExperimentRun | undefined, b: ToyExperimentRun | undefined, m: Metric): string {
  const ra = a && rankingRun(a);
  const rb = b && rankingRun(b);
  if (!ra || !rb) return "not measurable";
  const c = compareRuns(ra, rb);
  const d = c[m];
  if (!d || d.pValue === null) return "not measurable";
  const p = `paired p = ${d.pValue.toFixed(3)}`;
  if (!c.significance.calibrated) return `not called (${c.prompts} prompts: significance withheld)`;
  if (d.pValue < 0.05) return `${d.estimate > 0 ? "higher" : "lower"} (${p})`;
  return `no significant difference (${p})`;
}

/**
 * What the document reads of the ranked board: RankedBoard (in-process) has it, and
 * remote/experiment-board.ts rebuilds it from GET /api/v1/leaderboard.
 */
export type ExperimentBoard = {
  promptSet: { name: string; version: number };
  variants: Record<string, { name: string }>;
  ranking:
    | (Pick<Ranking, "methodVersion" | "prompts"> & {
        diversity: { value: number; isDefault: boolean; rule: string } | null;
        ranked: Array<
          Pick<
            RankedVariant,
            | "variantId"
            | "rank"
            | "rankWorst"
            | "score"
            | "extended"
            | "significantlyBetterThan"
            | "significantlyWorseThan"
          > & { ci: { low: number; high: number } | null }
        >;
        unranked: Array<{ variantId: string; reason: string }>;
        pairs: Array<Pick<PairComparison, "a" | "b" | "pAdjusted"> & { difference: { estimate: number } }>;
      })
    | null;
};

/** The experiment as the document reads it: the in-process result, or the same read back over the REST API. */
export type ExperimentDocInput = Omit<ToyExperimentResult, "board"> & { board: ExperimentBoard };

/**
 * A run's sample images for the given prompts, in sample-index order: PNG file paths or bytes.
 * The default reads this process's database and image store.
 */
export type SampleImageSource = (
  runId: string,
  evaluatorId: string | null,
  promptIds: string[],
) => Promise<Map<string, Array<string | Buffer>>>;

const localSampleImages: SampleImageSource = async (runId, evaluatorId, promptIds) => {
  const samples = listRunSamples(runId, evaluatorId);
  return new Map(
    promptIds.map((id) => [
      id,
      (samples.find((p) => p.promptId === id)?.samples ?? []).map((s) => pathFor(s.sha256, "png")),
    ]),
  );
};

/** One PNG per guidance scale: a row per variant × shown prompt, a column per sample. */
async function writeGrid(
  result: ExperimentDocInput,
  guidance: number,
  promptIds: string[],
  file: string,
  images: SampleImageSource,
): Promise<void> {
  const tile = 64;
  const gap = 4;
  const rows: Array<Array<string | Buffer | null>> = [];
  for (const r of result.runs.filter((x) => x.guidanceScale === guidance)) {
    const byPrompt = await images(r.detail.id, r.detail.metrics?.evaluatorId ?? null, promptIds);
    for (const id of promptIds) rows.push(byPrompt.get(id) ?? []);
  }
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const composites = rows.flatMap((row, y) =>
    row
      .map((file, x) => (file ? { input: file, left: x * (tile + gap), top: y * (tile + gap) } : null))
      .filter((c) => c !== null),
  );
  await sharp({
    create: {
      width: cols * (tile + gap) - gap,
      height: Math.max(1, rows.length * (tile + gap) - gap),
      channels: 3,
      background: { r: 255, g: 255, b: 255 },
    },
  })
    .composite(composites)
    .png()
    .toFile(file);
}

export type ExperimentDocMeta = {
  command: string;
  totalSeconds: number;
  samplesPerPrompt: number;
  steps: number;
  seed: number;
};

/** Writes `docFile` and its grids (in `<doc dir>/toy-experiment/`, images from `images`); returns the markdown. */
export async function writeExperimentDoc(
  result: ExperimentDocInput,
  docFile: string,
  meta: ExperimentDocMeta,
  images: SampleImageSource = localSampleImages,
): Promise<string> {
  const variants = [...new Set(result.runs.map((r) => r.variant))];
  const scales = [...new Set(result.runs.map((r) => r.guidanceScale))].sort((a, b) => a - b);
  const run = (v: string, g: number) => result.runs.find((r) => r.variant === v && r.guidanceScale === g);
  const evaluator = result.runs[0]?.detail.evaluator;
  const gridDir = path.join(path.dirname(docFile), "toy-experiment");
  fs.mkdirSync(gridDir, { recursive: true });
  const shown = [
    result.prompts.find((p) => p.type === "underspecified"),
    result.prompts.find((p) => p.type === "compositional"),
  ].filter((p) => p !== undefined);
  const gridScales = [scales[0]!, scales[scales.length - 1]!].filter((g, i, a) => a.indexOf(g) === i);
  for (const g of gridScales)
    await writeGrid(
      result,
      g,
      shown.map((p) => p.id),
      path.join(gridDir, `samples-guidance-${g}.png`),
      images,
    );

  const head = () => `| guidance | ${variants.join(" | ")} |\n| ---: | ${variants.map(() => "---").join(" | ")} |`;
  const table = (m: Metric, d: number) =>
    [head(), ...scales.map((g) => `| ${g} | ${variants.map((v) => cell(run(v, g), m, d)).join(" | ")} |`)].join("\n");
  const typeTable = (m: Metric, d: number) =>
    [
      `| guidance | ${variants.map((v) => `${v} underspec. / compos.`).join(" | ")} |`,
      `| ---: | ${variants.map(() => "---").join(" | ")} |`,
      ...scales.map(
        (g) =>
          `| ${g} | ${variants
            .map((v) => {
              const r = run(v, g);
              return r
                ? `${f(byTypeMean(r, "underspecified", m), d)} / ${f(byTypeMean(r, "compositional", m), d)}`
                : "–";
            })
            .join(" | ")} |`,
      ),
    ].join("\n");

  const ranking = result.board.ranking;
  const name = (id: string) => result.board.variants[id]?.name ?? id;
  const rankLabel = (r: { rank: number; rankWorst: number }) =>
    r.rank === r.rankWorst ? `${r.rank}` : `${r.rank}–${r.rankWorst}`;
  const rankingTable = ranking
    ? [
        `Ranking method ${ranking.methodVersion}; diversity level ${f(ranking.diversity?.value, 3)} (${ranking.diversity?.rule ?? "–"}), ${ranking.prompts} prompts.`,
        "",
        "| rank (best–worst the tests allow) | variant | CLIPScore at the diversity level [95% CI] | significantly better than / worse than |",
        "| ---: | --- | --- | --- |",
        ...ranking.ranked.map(
          (r) =>
            `| ${rankLabel(r)} | ${name(r.variantId)} | ${f(r.score, 2)}${r.ci ? ` [${f(r.ci.low, 2)}, ${f(r.ci.high, 2)}]` : ""}${r.extended ? " (extended)" : ""} | ${r.significantlyBetterThan} / ${r.significantlyWorseThan} variants |`,
        ),
        ...ranking.unranked.map((u) => `| – | ${name(u.variantId)} | not ranked: ${u.reason} | – |`),
        "",
        "Pairwise differences (Holm-adjusted p over all pairs):",
        "",
        "| A | B | A − B | Holm p |",
        "| --- | --- | ---: | ---: |",
        ...ranking.pairs.map(
          (pr) => `| ${name(pr.a)} | ${name(pr.b)} | ${f(pr.difference.estimate, 2)} | ${f(pr.pAdjusted, 3)} |`,
        ),
      ].join("\n")
    : "No ranking: no variant had scored runs on every prompt.";

  const g3 = scales.includes(3) ? 3 : scales[Math.floor(scales.length / 2)]!;
  /** Per guidance scale, a against b by the paired test: "higher at g = 4, 6; no significant difference at g = 1, 2". */
  const across = (a: string, b: string, m: Metric) => {
    const groups: Record<string, number[]> = {
      higher: [],
      lower: [],
      "no significant difference": [],
      "not called": [],
    };
    for (const g of scales) {
      const c = compare(run(a, g), run(b, g), m);
      const key = c.startsWith("higher")
        ? "higher"
        : c.startsWith("lower")
          ? "lower"
          : c.startsWith("no significant")
            ? "no significant difference"
            : "not called";
      groups[key]!.push(g);
    }
    return Object.entries(groups)
      .filter(([, gs]) => gs.length)
      .map(([k, gs]) => `${k} at g = ${gs.join(", ")}`)
      .join("; ");
  };
  const seedLines = [
    [
      "toy-clip-image+text",
      "toy-text-sequence",
      "Adding the CLIP image pathway to the text sequence (unCLIP vs GLIDE)",
    ],
    ["toy-clip-image", "toy-clip-text", "The prior's image embedding instead of the text embedding"],
    ["toy-clip-image", "toy-text-sequence", "The image embedding alone vs the text sequence"],
  ].map(
    ([a, b, what]) =>
      `- ${what}: diversity of ${a} against ${b} is ${across(a!, b!, "diversity")}; CLIPScore is ${across(a!, b!, "clipScore")}. At guidance ${g3}: diversity ${compare(run(a!, g3), run(b!, g3), "diversity")}.`,
  );

  const md = `# The toy seed experiment

**Toy world.** Every number here comes from four small generators trained on procedurally drawn
scenes (fixtures/toy-gen) and is scored by the toy-world CLIP (fixtures/clip-toy). It says
nothing about real text-to-image models; it reproduces the *mechanism* of the unCLIP question in
miniature. Regenerate with \`${meta.command}\` (this run: ${Math.round(meta.totalSeconds)} s on this machine, of which
generation ${Math.round(result.seconds.generate)} s and scoring ${Math.round(result.seconds.score)} s).

Evaluator: ${evaluator ? `\`${evaluator.name}\` (${evaluator.id})${evaluator.warning ? ` — ${evaluator.warning}` : ""}` : "–"}.
Prompt set \`${result.board.promptSet.name}\` v${result.board.promptSet.version}: ${result.prompts.length} held-out prompts
(${result.prompts.filter((p) => p.type === "underspecified").length} underspecified such as "${shown[0]?.prompt ?? ""}",
${result.prompts.filter((p) => p.type === "compositional").length} compositional such as "${shown[1]?.prompt ?? ""}"), ${meta.samplesPerPrompt} samples per prompt,
DDIM ${meta.steps} steps, request seed ${meta.seed}; one run per variant and guidance scale, all through the generation
protocol and the scoring queue. CIs are the runs' 95% percentile-bootstrap intervals over prompts.

## Diversity at equal guidance

Pairwise diversity (1 − mean cosine between a prompt's samples, mean over prompts):

${table("diversity", 3)}

CLIPScore (100 · cosine with the prompt):

${table("clipScore", 2)}

## Ranking at matched diversity (as the leaderboard computes it)

${rankingTable}

## By prompt type

Diversity, underspecified / compositional prompts (means over the prompts of each type):

${typeTable("diversity", 3)}

CLIPScore, underspecified / compositional:

${typeTable("clipScore", 2)}

## Samples

One underspecified prompt ("${shown[0]?.prompt ?? ""}") and one compositional prompt ("${shown[1]?.prompt ?? ""}"):
rows are ${variants.map((v) => `${v} (two rows)`).join(", ")}; columns are the ${meta.samplesPerPrompt} seeds.

${gridScales.map((g) => `Guidance ${g}:\n\n![samples at guidance ${g}](toy-experiment/samples-guidance-${g}.png)`).join("\n\n")}

## What this says about the seed question

${seedLines.join("\n")}

"Higher" and "lower" mean a paired test over the shared prompts (and so the shared seeds) finds
the two runs different at 0.05: one bootstrap over prompts drawn for both runs, a t interval of
the difference (the ranking's method, lib/ranking compare-runs.ts); "no significant difference"
means this experiment does not separate the variants on that measure at that scale, and "not
called" that it has too few prompts for a calibrated test. The matched-diversity ranking above is the leaderboard's answer to which variant is more
faithful at equal diversity. Limits: every variant shares one denoiser design and recipe, but
not one training length — the two cross-attention models got about 3.4× fewer steps in the same
wall-clock budget (fixtures/toy-gen/MODEL_CARD.md) — so a difference mixes the pathway with
unequal training; the image-embedding variants' spread includes the prior's sampling (run at
guidance 1); and the toy CLIP does not encode position, so no generator is judged on it.
`;
  fs.writeFileSync(docFile, md);
  return md;
}
