// Reads a Hugging Face-style CLIP model folder (the layout of Xenova/clip-vit-base-patch32):
// config.json, preprocessor_config.json, tokenizer.json, onnx/{vision,text}_model[_variant].onnx.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const modelVariantSchema = z.enum(["fp32", "fp16", "quantized"]);
export type ModelVariant = z.infer<typeof modelVariantSchema>;

const sizeSchema = z.union([
  z.number().int().positive(),
  z.object({ shortest_edge: z.number().int().positive() }),
  z.object({ height: z.number().int().positive(), width: z.number().int().positive() }),
]);

export const preprocessorConfigSchema = z.object({
  do_resize: z.boolean().default(true),
  size: sizeSchema.default({ shortest_edge: 224 }),
  resample: z.number().int().default(3),
  do_center_crop: z.boolean().default(true),
  crop_size: sizeSchema.default({ height: 224, width: 224 }),
  do_rescale: z.boolean().default(true),
  rescale_factor: z
    .number()
    .positive()
    .default(1 / 255),
  do_normalize: z.boolean().default(true),
  image_mean: z.array(z.number()).length(3).default([0.48145466, 0.4578275, 0.40821073]),
  image_std: z.array(z.number().positive()).length(3).default([0.26862954, 0.26130258, 0.27577711]),
});
export type PreprocessorConfigFile = z.infer<typeof preprocessorConfigSchema>;

/** What the image pipeline needs, resolved from preprocessor_config.json. */
export type ImagePipelineSpec = {
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  rescale: number;
  mean: [number, number, number];
  std: [number, number, number];
  doResize: boolean;
  doCenterCrop: boolean;
  doNormalize: boolean;
};

export const modelConfigSchema = z
  .object({
    _name_or_path: z.string().optional(),
    model_type: z.string().optional(),
    projection_dim: z.number().int().positive().optional(),
    text_config: z
      .object({
        max_position_embeddings: z.number().int().positive().default(77),
        eos_token_id: z.number().int().optional(),
        bos_token_id: z.number().int().optional(),
      })
      .passthrough()
      .default({ max_position_embeddings: 77 }),
    t2i_fixture: z.object({ preset: z.string(), seed: z.number().optional() }).passthrough().optional(),
  })
  .passthrough();
export type ModelConfigFile = z.infer<typeof modelConfigSchema>;

export type ModelFolder = {
  dir: string;
  /** Human name: the hub repository when known, else the folder name. */
  name: string;
  variant: ModelVariant;
  config: ModelConfigFile;
  image: ImagePipelineSpec;
  contextLength: number;
  /** True for the random-weight test fixtures written by scripts/fixtures/make-fixture-model.ts. */
  isFixture: boolean;
  files: {
    config: string;
    preprocessor: string;
    tokenizer: string;
    tokenizerConfig?: string;
    vision: string;
    text: string;
  };
};

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFolderError";
  }
}

const SUFFIX: Record<ModelVariant, string> = { fp32: "", fp16: "_fp16", quantized: "_quantized" };

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    throw new ModelFolderError(`missing ${path.basename(file)} in model folder ${path.dirname(file)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFolderError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function sizeToEdge(size: z.infer<typeof sizeSchema>): { h: number; w: number; shortest: number } {
  if (typeof size === "number") return { h: size, w: size, shortest: size };
  if ("shortest_edge" in size) return { h: size.shortest_edge, w: size.shortest_edge, shortest: size.shortest_edge };
  return { h: size.height, w: size.width, shortest: Math.min(size.height, size.width) };
}

export async function readModelFolder(dir: string, variant: ModelVariant = "fp32"): Promise<ModelFolder> {
  const abs = path.resolve(dir);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (!stat?.isDirectory()) throw new ModelFolderError(`model folder ${abs} does not exist`);

  const configPath = path.join(abs, "config.json");
  const preprocessorPath = path.join(abs, "preprocessor_config.json");
  const tokenizerPath = path.join(abs, "tokenizer.json");
  const tokenizerConfigPath = path.join(abs, "tokenizer_config.json");
  const vision = path.join(abs, "onnx", `vision_model${SUFFIX[variant]}.onnx`);
  const text = path.join(abs, "onnx", `text_model${SUFFIX[variant]}.onnx`);

  const configParsed = modelConfigSchema.safeParse(await readJson(configPath));
  if (!configParsed.success) throw new ModelFolderError(`config.json: ${configParsed.error.issues[0]?.message}`);
  const ppParsed = preprocessorConfigSchema.safeParse(await readJson(preprocessorPath));
  if (!ppParsed.success) {
    const issue = ppParsed.error.issues[0];
    throw new ModelFolderError(`preprocessor_config.json: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  if (!(await exists(tokenizerPath))) throw new ModelFolderError(`missing tokenizer.json in model folder ${abs}`);
  for (const f of [vision, text]) {
    if (!(await exists(f))) {
      throw new ModelFolderError(
        `missing onnx/${path.basename(f)} in ${abs} (variant ${variant}); ` +
          (variant === "fp32" ? "is this a complete model folder?" : "try --variant fp32 or fetch this variant"),
      );
    }
  }

  const pp = ppParsed.data;
  const resize = sizeToEdge(pp.size);
  const crop = sizeToEdge(pp.crop_size);
  if (pp.resample !== 3) {
    // 3 is PIL's BICUBIC, the CLIP reference; we only implement that filter.
    throw new ModelFolderError(
      `preprocessor_config.json asks for resample=${pp.resample}; only bicubic (3) is supported`,
    );
  }

  let name = path.basename(abs);
  const installManifest = path.join(abs, "install.json");
  if (await exists(installManifest)) {
    const m = (await readJson(installManifest)) as { repo?: unknown };
    if (typeof m.repo === "string") name = m.repo;
  } else if (configParsed.data._name_or_path) {
    name = configParsed.data._name_or_path;
  }

  const config = configParsed.data;
  return {
    dir: abs,
    name,
    variant,
    config,
    contextLength: config.text_config.max_position_embeddings,
    isFixture: config.t2i_fixture !== undefined,
    image: {
      shortestEdge: resize.shortest,
      cropHeight: crop.h,
      cropWidth: crop.w,
      rescale: pp.do_rescale ? pp.rescale_factor : 1,
      mean: pp.image_mean as [number, number, number],
      std: pp.image_std as [number, number, number],
      doResize: pp.do_resize,
      doCenterCrop: pp.do_center_crop,
      doNormalize: pp.do_normalize,
    },
    files: {
      config: configPath,
      preprocessor: preprocessorPath,
      tokenizer: tokenizerPath,
      tokenizerConfig: (await exists(tokenizerConfigPath)) ? tokenizerConfigPath : undefined,
      vision,
      text,
    },
  };
}
