// What the toy seed experiment asks the service for, shared by the in-process mode
// (run-toy-experiment.ts) and the mode against a running service (remote/): the four variants'
// descriptions, the prompt set's description, and one generation request per variant.
import type { CreateGenerationInput } from "../generation/create-generation";

export const TOY_VARIANT_DESCRIPTIONS: Record<string, string> = {
  "toy-text-sequence":
    "toy world: denoiser cross-attending to the toy CLIP's text token states (GLIDE / Stable Diffusion pathway)",
  "toy-clip-text": "toy world: denoiser conditioned on the pooled toy-CLIP text embedding (cc12m_1_cfg pathway)",
  "toy-clip-image":
    "toy world: denoiser conditioned on a toy-CLIP image embedding drawn by a prior from the text embedding (unCLIP decoder without text, Kandinsky 2.2)",
  "toy-clip-image+text": "toy world: prior image embedding plus text token states (unCLIP / Karlo pathway)",
};

export const TOY_PROMPT_SET_DESCRIPTION = "toy world: held-out underspecified and compositional prompts";

/** The `model` recorded on each toy variant. */
export const TOY_VARIANT_MODEL = "fixtures/toy-gen";

export type ToySweep = { guidanceScales: number[]; samplesPerPrompt: number; steps: number; seed: number };

/** POST /api/v1/generations body (createGeneration input) for one variant: DDIM at 64 px, one task per prompt. */
export function toyGenerationRequest(
  variant: string,
  promptSet: string,
  sweep: ToySweep,
  promptSetVersion?: number,
): CreateGenerationInput {
  return {
    variant,
    promptSet,
    ...(promptSetVersion === undefined ? {} : { promptSetVersion }),
    guidanceScales: sweep.guidanceScales,
    samplesPerPrompt: sweep.samplesPerPrompt,
    seed: sweep.seed,
    steps: sweep.steps,
    sampler: "ddim",
    size: 64,
    samplesPerTask: sweep.samplesPerPrompt,
  };
}
