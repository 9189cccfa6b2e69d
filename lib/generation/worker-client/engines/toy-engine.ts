// The toy engine: the four trained toy-world generators (lib/toy-world/toy-generator.ts,
// fixtures/toy-gen) on onnxruntime-node, rendered by the TypeScript toy renderer: no Python and
// no GPU at run time. A task's variant picks the generator (TOY_VARIANTS: toy-text-sequence,
// toy-clip-text, toy-clip-image, toy-clip-image+text); all samples of a task run as one batch,
// each from its own seed, so a sample's image never depends on the rest of the task.
import { TOY_VARIANTS, ToyGenerator, type ToyConditioning } from "../../../toy-world/toy-generator";
import type { GenerateContext, GenerationEngine } from "../engine";
import type { Task } from "../task-schema";

export const TOY_SAMPLERS = ["ddim"] as const;

export type ToyEngineOptions = { threads?: number; genDir?: string };

export class ToyEngine implements GenerationEngine {
  readonly name = "toy";
  private readonly generators = new Map<ToyConditioning, Promise<ToyGenerator>>();

  constructor(private readonly opts: ToyEngineOptions = {}) {}

  get description(): string {
    return `toy engine: toy-world generators (fixtures/toy-gen) for variants ${Object.keys(TOY_VARIANTS).join(", ")}, onnxruntime CPU`;
  }

  /** The generator of a variant, loaded once; throws naming the known variants. */
  generator(variant: string): Promise<ToyGenerator> {
    const conditioning = TOY_VARIANTS[variant];
    if (!conditioning)
      throw new Error(
        `the toy engine generates variants ${Object.keys(TOY_VARIANTS).join(", ")}; this task asks for "${variant}"`,
      );
    let g = this.generators.get(conditioning);
    if (!g) {
      g = ToyGenerator.load(conditioning, { threads: this.opts.threads, genDir: this.opts.genDir });
      this.generators.set(conditioning, g);
    }
    return g;
  }

  async generate(task: Task, ctx: GenerateContext): Promise<void> {
    if (!(TOY_SAMPLERS as readonly string[]).includes(task.sampler.toLowerCase())) {
      throw new Error(
        `the toy engine samples with ${TOY_SAMPLERS.join(", ")} only; this task asks for sampler "${task.sampler}"`,
      );
    }
    const generator = await this.generator(task.variant);
    const started = performance.now();
    const pngs = await generator.samplePngs(
      task.prompt.text,
      task.samples.map((s) => s.seed),
      { guidance: task.guidanceScale, steps: task.steps, width: task.width, height: task.height },
    );
    ctx.signal.throwIfAborted();
    ctx.log(`task ${task.id}: ${pngs.length} samples in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    for (let i = 0; i < pngs.length; i++) await ctx.onSample(task.samples[i]!.index, pngs[i]!);
  }

  async close(): Promise<void> {
    await Promise.all([...this.generators.values()].map(async (g) => (await g).close()));
  }
}
