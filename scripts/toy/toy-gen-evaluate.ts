// npm run toy:gen-evaluate: the four toy generators' fidelity and diversity on held-out prompts,
// scored in-process by the toy evaluator, per variant and guidance scale, with CIs over prompts.
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { ClipEvaluator } from "../../lib/clip/evaluator";
import { TOY_MODEL_DIR } from "../../lib/clip/resolve-model";
import { checkOptions } from "../../tools/toy/check-options";
import { measureGuidance } from "../../tools/toy/measure-guidance";
import { TOY_VARIANTS, ToyGenerator } from "../../lib/toy-world/toy-generator";
import { toyPrompts, type ToyPromptType } from "../../lib/toy-world/toy-prompts";

const HELP = `Usage: npm run toy:gen-evaluate -- [--prompts N] [--samples N] [--guidance LIST] [--steps N]
                                     [--variant NAME…] [--threads N]

Samples each toy generator (fixtures/toy-gen) on held-out prompts — N underspecified ("a red
shape") and N compositional ("a red circle and a blue square") — at each guidance scale, scores
the images with the toy evaluator (fixtures/clip-toy) and prints, per variant and scale,
CLIPScore (100 · mean cosine with the prompt) and pairwise diversity (1 − mean cosine between a
prompt's samples), as means over prompts with 95% bootstrap CIs (B = 1000, seed 0), overall and
per prompt type. Seeds 1…samples for every prompt. Prints a table, then JSON.

Options:
  --prompts N     prompts per type (default 8)
  --samples N     samples per prompt (default 8)
  --guidance L    comma-separated guidance scales (default 1,3,8)
  --steps N       DDIM steps (default 25)
  --variant V     ${Object.keys(TOY_VARIANTS).join(", ")} (repeatable; default all four)
  --threads N     onnxruntime threads (default 1)
  -h, --help      this text
`;

const optionsSchema = z.object({
  prompts: z.coerce.number().int().min(1).max(200),
  samples: z.coerce.number().int().min(2).max(64),
  guidance: z.array(z.coerce.number().min(0).max(100)).min(1),
  steps: z.coerce.number().int().min(1).max(1000),
  variant: z.array(z.enum(Object.keys(TOY_VARIANTS) as [string, ...string[]])).min(1),
  threads: z.coerce.number().int().min(1).max(64),
});

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        prompts: { type: "string" },
        samples: { type: "string" },
        guidance: { type: "string" },
        steps: { type: "string" },
        variant: { type: "string", multiple: true },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "toy:gen-evaluate", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const o = checkOptions(
    optionsSchema,
    {
      prompts: values.prompts ?? 8,
      samples: values.samples ?? 8,
      guidance: (values.guidance ?? "1,3,8").split(","),
      steps: values.steps ?? 25,
      variant: values.variant ?? Object.keys(TOY_VARIANTS),
      threads: values.threads ?? 1,
    },
    HELP,
  );
  if (!o) return 2;
  const prompts = toyPrompts(o.prompts);
  const seeds = Array.from({ length: o.samples }, (_, i) => i + 1);
  const evaluator = await ClipEvaluator.load(TOY_MODEL_DIR, { batchSize: 32, threads: o.threads });
  const results = [];
  const started = performance.now();
  const fmt = (r: { estimate: number; low: number; high: number }, d: number) =>
    `${r.estimate.toFixed(d)} [${r.low.toFixed(d)}, ${r.high.toFixed(d)}]`;
  console.log(
    "variant               guidance  CLIPScore [95% CI]     diversity [95% CI]     diversity: underspecified / compositional",
  );
  for (const variant of o.variant) {
    const g = await ToyGenerator.load(TOY_VARIANTS[variant]!, { threads: o.threads });
    for (const guidance of o.guidance) {
      const m = await measureGuidance(evaluator, prompts, seeds, (p, s) =>
        g.samplePngs(p, s, { guidance, steps: o.steps, width: 64, height: 64 }),
      );
      const byType = (t: ToyPromptType) => {
        const xs = m.perPrompt.filter((p) => p.type === t);
        return xs.reduce((a, p) => a + p.diversity, 0) / xs.length;
      };
      results.push({
        variant,
        guidance,
        clipScore: m.clipScore,
        diversity: m.diversity,
        diversityByType: { underspecified: byType("underspecified"), compositional: byType("compositional") },
        perPrompt: m.perPrompt,
      });
      console.log(
        `${variant.padEnd(22)}${String(guidance).padStart(8)}  ${fmt(m.clipScore, 1).padEnd(22)} ${fmt(m.diversity, 3).padEnd(22)} ${byType("underspecified").toFixed(3)} / ${byType("compositional").toFixed(3)}`,
      );
    }
    await g.close();
  }
  console.log(
    JSON.stringify(
      {
        prompts,
        samples: o.samples,
        steps: o.steps,
        seconds: Math.round((performance.now() - started) / 1000),
        results,
      },
      null,
      1,
    ),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`toy:gen-evaluate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
