// The one place that reads process.env. Everything else imports `config()`.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  T2I_DATA_DIR: z.string().min(1).default("data"),
  T2I_MODELS_DIR: z.string().min(1).optional(),
  T2I_CACHE_DIR: z.string().min(1).optional(),
  T2I_MODEL_DIR: z.string().min(1).optional(),
  T2I_MODEL_VARIANT: z.enum(["fp32", "fp16", "quantized"]).default("fp32"),
  T2I_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  T2I_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(40_000_000),
  HF_ENDPOINT: z.string().url().default("https://huggingface.co"),
  HF_TOKEN: z.string().optional(),
});

export type Config = {
  dataDir: string;
  modelsDir: string;
  cacheDir: string;
  /** An explicit evaluator folder; when unset the installed real model is used. */
  modelDir: string | undefined;
  modelVariant: "fp32" | "fp16" | "quantized";
  threads: number;
  maxImagePixels: number;
  hfEndpoint: string;
  hfToken: string | undefined;
};

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.T2I_DATA_DIR);
  cached = {
    dataDir,
    modelsDir: path.resolve(env.T2I_MODELS_DIR ?? path.join(dataDir, "models")),
    cacheDir: path.resolve(env.T2I_CACHE_DIR ?? path.join(os.homedir(), ".cache", "t2i-eval")),
    modelDir: env.T2I_MODEL_DIR ? path.resolve(env.T2I_MODEL_DIR) : undefined,
    modelVariant: env.T2I_MODEL_VARIANT,
    threads: env.T2I_THREADS ?? Math.max(1, os.availableParallelism()),
    maxImagePixels: env.T2I_MAX_IMAGE_PIXELS,
    hfEndpoint: env.HF_ENDPOINT.replace(/\/+$/, ""),
    hfToken: env.HF_TOKEN,
  };
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}
