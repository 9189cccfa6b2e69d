// Scores a batch of (image, prompt, group) items with one evaluator and returns the report the
// CLI prints and POST /api/v1/metrics answers: evaluator, items, groups, summary.
import type { ClipEvaluator, ImageSource, ItemError } from "../clip/evaluator";
import { evaluatorWarning, type EvaluatorIdentity } from "../clip/identity";
import { cosine, listMetrics, summarize, type GroupSummary, type RunSummary } from "../metrics";
import { promptIdentity } from "../core/prompt-identity";

export type BatchItemInput = {
  file: string;
  prompt: string;
  group?: string;
  /** The encoded image (or a loader, read when its batch comes up), or why it can't be read. */
  image: ImageSource | { error: ItemError | { code: string; message: string } };
};

export type ItemReport = {
  file: string;
  prompt: string;
  group: string;
  /** Raw cosine of the normalised image and text embeddings; null when the item failed. */
  cosine: number | null;
  /** 100·cosine (torchmetrics' per-sample CLIPScore), null when the item failed. */
  clipScore: number | null;
  truncated: boolean;
  error?: { code: string; message: string };
};

export type BatchReport = {
  evaluator: EvaluatorIdentity & { warning?: string };
  metrics: { name: string; version: number | string; label: string; higherIsBetter: boolean }[];
  items: ItemReport[];
  /** Per group: `n` scored samples (failed ones are counted in `failed`, not in n). */
  groups: Pick<
    GroupSummary,
    "group" | "n" | "failed" | "clipScore" | "clipS" | "diversity" | "diversityReason" | "vendi"
  >[];
  summary: RunSummary & { truncated: number };
};

export type ScoreBatchOptions = {
  bootstrapSeed?: number;
  bootstrapSamples?: number;
  onProgress?: (stage: "images" | "prompts", done: number, total: number) => void;
};

export function evaluatorReport(identity: EvaluatorIdentity): BatchReport["evaluator"] {
  const warning = evaluatorWarning(identity);
  return warning ? { ...identity, warning } : identity;
}

export function metricLabels(): BatchReport["metrics"] {
  return listMetrics().map((m) => ({
    name: m.name,
    version: m.version,
    label: m.label,
    higherIsBetter: m.higherIsBetter,
  }));
}

export async function scoreBatch(
  evaluator: ClipEvaluator,
  inputs: BatchItemInput[],
  opts: ScoreBatchOptions = {},
): Promise<BatchReport> {
  const isSource = (x: BatchItemInput["image"]): x is ImageSource => Buffer.isBuffer(x) || typeof x === "function";
  const readable = inputs.flatMap((it, i) => (isSource(it.image) ? [{ i, buf: it.image }] : []));
  const images = await evaluator.embedImages(
    readable.map((r) => r.buf),
    (d, t) => opts.onProgress?.("images", d, t),
  );
  const imageByIndex = new Map(readable.map((r, k) => [r.i, images[k]!]));

  const prompts = [...new Set(inputs.map((it) => it.prompt))];
  const texts = await evaluator.embedTexts(prompts, (d, t) => opts.onProgress?.("prompts", d, t));
  const textByPrompt = new Map(prompts.map((p, k) => [p, texts[k]!]));

  // Without an explicit group, prompts with the same identity (promptIdentity) are one group,
  // named by the first spelling seen: the service's prompt sets group the same way.
  const groupOfIdentity = new Map<string, string>();
  const defaultGroup = (prompt: string) => {
    const id = promptIdentity(prompt);
    if (!groupOfIdentity.has(id)) groupOfIdentity.set(id, prompt);
    return groupOfIdentity.get(id)!;
  };
  const items: ItemReport[] = [];
  const byGroup = new Map<string, Float32Array[]>();
  inputs.forEach((it, i) => {
    const group = it.group ?? defaultGroup(it.prompt);
    const text = textByPrompt.get(it.prompt)!;
    const base = { file: it.file, prompt: it.prompt, group, truncated: text.truncated };
    const img = isSource(it.image) ? imageByIndex.get(i)! : { error: it.image.error };
    if (!byGroup.has(group)) byGroup.set(group, []);
    if (img.error) {
      items.push({ ...base, cosine: null, clipScore: null, error: img.error });
      return;
    }
    const c = cosine(img.embedding, text.embedding);
    byGroup.get(group)!.push(img.embedding);
    items.push({ ...base, cosine: c, clipScore: 100 * c });
  });

  const { groups, summary } = summarize(
    items.map((it) => ({ group: it.group, cosine: it.cosine })),
    byGroup,
    { bootstrap: { seed: opts.bootstrapSeed ?? 0, B: opts.bootstrapSamples ?? 1000 } },
  );
  return {
    evaluator: evaluatorReport(evaluator.identity),
    metrics: metricLabels(),
    items,
    groups: groups.map(({ group, n, failed, clipScore, clipS, diversity, diversityReason, vendi }) => ({
      group,
      n: n - failed,
      failed,
      clipScore,
      clipS,
      diversity,
      ...(diversityReason !== undefined ? { diversityReason } : {}),
      vendi,
    })),
    summary: { ...summary, truncated: new Set(items.filter((i) => i.truncated).map((i) => i.prompt)).size },
  };
}
