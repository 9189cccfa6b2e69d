// The onnx engine: generates with the in-process Stable Diffusion pipeline (lib/diffusion)
// from an Optimum-layout ONNX folder. Text is encoded once per task; each sample then runs
// from its own seed, so a sample's image never depends on the rest of the task.
import { getDiffusionPipeline, type DiffusionPipeline } from "../../diffusion/pipeline";
import type { ProviderChoice } from "../../core/execution-provider";
import type { GenerateContext, GenerationEngine } from "./engine";
import type { Task } from "./task-schema";

export const ONNX_SAMPLERS = ["ddim"] as const;

export type OnnxEngineOptions = { modelDir: string; provider?: ProviderChoice; threads?: number };

export class OnnxEngine implements GenerationEngine {
  readonly name = "onnx";

  private constructor(readonly pipeline: DiffusionPipeline) {}

  static async create(opts: OnnxEngineOptions): Promise<OnnxEngine> {
    return new OnnxEngine(
      await getDiffusionPipeline(opts.modelDir, { provider: opts.provider, threads: opts.threads }),
    );
  }

  get description(): string {
    const f = this.pipeline.folder;
    return `onnx engine: ${f.dir}${f.fixture ? ` (test fixture, ${f.fixture.note})` : ""}, execution provider ${this.pipeline.provider.name}`;
  }

  async generate(task: Task, ctx: GenerateContext): Promise<void> {
    if (!(ONNX_SAMPLERS as readonly string[]).includes(task.sampler.toLowerCase())) {
      throw new Error(
        `the onnx engine samples with ${ONNX_SAMPLERS.join(", ")} only; this task asks for sampler "${task.sampler}"`,
      );
    }
    const cond = await this.pipeline.prepare({
      prompt: task.prompt.text,
      negativePrompt: task.negativePrompt,
      guidanceScale: task.guidanceScale,
    });
    if (cond.truncated)
      ctx.log(
        `task ${task.id}: prompt ${task.prompt.id} is longer than 75 CLIP tokens; the rest is cut, as diffusers does`,
      );
    for (const s of task.samples) {
      const started = performance.now();
      const png = await this.pipeline.generate(cond, {
        seed: s.seed,
        steps: task.steps,
        width: task.width,
        height: task.height,
        signal: ctx.signal,
      });
      ctx.log(
        `task ${task.id}: sample ${s.index} (seed ${s.seed}) in ${((performance.now() - started) / 1000).toFixed(2)} s`,
      );
      await ctx.onSample(s.index, png);
    }
  }

  async close(): Promise<void> {
    // The pipeline is shared per process (getDiffusionPipeline); the process exit frees it.
  }
}
