// Reads a Stable Diffusion ONNX folder in the layout Hugging Face Optimum's export writes
// (`optimum-cli export onnx --model <sd repo>`), checking everything the pipeline needs up
// front so a broken folder fails at load, not halfway through a task.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { schedulerConfigSchema, type SchedulerConfig } from "./ddim-scheduler";

export const DEFAULT_VAE_SCALING_FACTOR = 0.18215;

const modelIndexSchema = z.object({
  _class_name: z.string().optional(),
  text_encoder_2: z.unknown().optional(),
  t2i_fixture: z.object({ seed: z.number(), note: z.string() }).optional(),
});

const vaeConfigSchema = z.object({
  scaling_factor: z.number().positive().optional(),
  block_out_channels: z.array(z.number().int().positive()).min(1).optional(),
  latent_channels: z.number().int().positive().optional(),
});

export type DiffusionModelFolder = {
  dir: string;
  className: string | undefined;
  files: { textEncoder: string; unet: string; vaeDecoder: string; tokenizerDir: string };
  scheduler: SchedulerConfig;
  /** Latents are divided by this before the VAE decoder (vae_decoder/config.json scaling_factor). */
  vaeScalingFactor: number;
  /** Image pixels per latent pixel along each side: 2^(len(block_out_channels) − 1), 8 for SD. */
  vaeScaleFactor: number;
  /** Set for the random-weight test fixture (fixtures/diffusion-tiny). */
  fixture: { seed: number; note: string } | undefined;
};

async function readJson(file: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !required) return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${file}: ${issues}`);
  }
  return r.data;
}

export async function readDiffusionModelFolder(dirArg: string): Promise<DiffusionModelFolder> {
  const dir = path.resolve(dirArg);
  const at = (...p: string[]) => path.join(dir, ...p);

  const index = parseOrThrow(modelIndexSchema, await readJson(at("model_index.json"), true), at("model_index.json"));
  if (index.text_encoder_2 !== undefined) {
    throw new Error(
      `${dir} has a second text encoder (SDXL-style); only single-encoder Stable Diffusion folders are supported`,
    );
  }

  const files = {
    textEncoder: at("text_encoder", "model.onnx"),
    unet: at("unet", "model.onnx"),
    vaeDecoder: at("vae_decoder", "model.onnx"),
    tokenizerDir: at("tokenizer"),
  };
  const missing: string[] = [];
  for (const f of [files.textEncoder, files.unet, files.vaeDecoder, files.tokenizerDir]) {
    try {
      await fs.access(f);
    } catch {
      missing.push(path.relative(dir, f));
    }
  }
  if (missing.length > 0)
    throw new Error(`${dir} is not an ONNX Stable Diffusion folder: missing ${missing.join(", ")}`);

  const schedulerFile = at("scheduler", "scheduler_config.json");
  const scheduler = parseOrThrow(schedulerConfigSchema, await readJson(schedulerFile, true), schedulerFile);

  const vaeFile = at("vae_decoder", "config.json");
  const vae = parseOrThrow(vaeConfigSchema, (await readJson(vaeFile, false)) ?? {}, vaeFile);

  return {
    dir,
    className: index._class_name,
    files,
    scheduler,
    vaeScalingFactor: vae.scaling_factor ?? DEFAULT_VAE_SCALING_FACTOR,
    vaeScaleFactor: 2 ** ((vae.block_out_channels?.length ?? 4) - 1),
    fixture: index.t2i_fixture,
  };
}
