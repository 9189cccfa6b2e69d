// Shared by the generation tests: a variant, a small named prompt set and a worker token in a
// fresh data dir, and PNG bodies as a worker would send them.
import { Readable } from "node:stream";
import { createWorkerToken } from "../../lib/auth/worker-tokens";
import { createPromptSet } from "../../lib/prompt-sets/create-prompt-set";
import { png } from "./uploads";
import { createVariant } from "../../lib/variants/create-variant";

export const GEN_PROMPTS = [
  { id: "p1", prompt: "a red square" },
  { id: "p2", prompt: "a blue circle" },
  { id: "p3", prompt: "a green triangle" },
];

/** A variant `unclip-gen` (and `other-variant`), the prompt set `gen-set` and two worker tokens. */
export function setupGenerationFixtures() {
  createVariant({ name: "unclip-gen", conditioningType: "clip_image_embedding" });
  createVariant({ name: "other-variant", conditioningType: "text_sequence" });
  createPromptSet({ name: "gen-set", prompts: GEN_PROMPTS });
  return { a: createWorkerToken("gpu-a"), b: createWorkerToken("gpu-b") };
}

/** The image size the tests' generation requests ask for (the smallest allowed). */
export const GEN_SIZE = 64;

/** A PNG of the requested size (default GEN_SIZE square) whose bytes depend on `shade` (0–255). */
export function samplePng(shade: number, width = GEN_SIZE, height = width): Promise<Buffer> {
  return png(width, height, shade);
}

export const body = (b: Buffer | string) => Readable.from([typeof b === "string" ? Buffer.from(b) : b]);
