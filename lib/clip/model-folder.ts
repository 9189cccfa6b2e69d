// Reads a Hugging Face-style CLIP model folder (the layout of Xenova/clip-vit-base-patch32):
// config.json, preprocessor_config.json, tokenizer.json, onnx/{vision,text}_model[_variant].onnx,
// plus any external-data file a graph references (models over 2 GB keep their weights in one).
// An image-only folder (onnx/model[_variant].onnx, the layout of Xenova/dinov2-large) is an image
// feature extractor (./image-model-folder.ts): it is refused here, with the reason.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { checkExternalData, OnnxGraphError } from "./onnx-external-data";

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
    /** External-data files the two graphs reference (absolute paths), checked present and long enough. */
    external: string[];
  };
};

/** What a model folder holds: a CLIP (image and text towers) or an image-only feature extractor. */
export type ModelKind = "clip" | "image-features";

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFolderError";
  }
}

export const VARIANT_SUFFIX: Record<ModelVariant, string> = { fp32: "", fp16: "_fp16", quantized: "_quantized" };
const SUFFIX = VARIANT_SUFFIX;

export const IMAGE_ONLY_MESSAGE =
  "it is an image feature extractor (one image-only ONNX graph, no text tower): it serves distribution metrics " +
  "only (FD, CMMD, precision/recall, density/coverage against reference sets), not CLIP score; name it in " +
  "T2I_FEATURE_EXTRACTORS and keep a CLIP model as the evaluator";

/**
 * Which kind of model `dir` holds, from its files: onnx/text_model*.onnx makes a CLIP; an
 * onnx/model*.onnx without text towers makes an image feature extractor. Undefined when neither.
 */
export async function detectModelKind(dir: string): Promise<ModelKind | undefined> {
  const names = await fs.readdir(path.join(dir, "onnx")).catch(() => [] as string[]);
  if (names.some((n) => /^(text|vision)_model(_[a-z0-9]+)?\.onnx$/.test(n))) return "clip";
  if (names.some((n) => /^model(_[a-z0-9]+)?\.onnx$/.test(n))) return "image-features";
  return undefined;
}

/** Every external-data file the graphs reference, or a ModelFolderError naming the missing one. */
export function externalFilesOf(graphs: string[]): string[] {
  try {
    return [...new Set(graphs.flatMap((g) => checkExternalData(g)))];
  } catch (e) {
    if (e instanceof OnnxGraphError) throw new ModelFolderError(e.message);
    throw e;
  }
}

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

  if ((await detectModelKind(abs)) === "image-features")
    throw new ModelFolderError(`${abs} cannot score prompts: ${IMAGE_ONLY_MESSAGE}`);
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

  const external = externalFilesOf([vision, text]);
  const config = configParsed.data;
  const name = await folderName(abs, config._name_or_path);
  return {
    dir: abs,
    name,
    variant,
    config,
    contextLength: config.text_config.max_position_embeddings,
    isFixture: config.t2i_fixture !== undefined,
    image: imagePipelineSpec(ppParsed.data),
    files: {
      config: configPath,
      preprocessor: preprocessorPath,
      tokenizer: tokenizerPath,
      tokenizerConfig: (await exists(tokenizerConfigPath)) ? tokenizerConfigPath : undefined,
      vision,
      text,
      external,
    },
  };
}

/** The image pipeline a preprocessor_config.json describes (HF CLIPImageProcessor / BitImageProcessor). */
export function imagePipelineSpec(pp: PreprocessorConfigFile): ImagePipelineSpec {
  const resize = sizeToEdge(pp.size);
  const crop = sizeToEdge(pp.crop_size);
  if (pp.resample !== 3) {
    // 3 is PIL's BICUBIC, the CLIP reference; we only implement that filter.
    throw new ModelFolderError(
      `preprocessor_config.json asks for resample=${pp.resample}; only bicubic (3) is supported`,
    );
  }
  return {
    shortestEdge: resize.shortest,
    cropHeight: crop.h,
    cropWidth: crop.w,
    rescale: pp.do_rescale ? pp.rescale_factor : 1,
    mean: pp.image_mean as [number, number, number],
    std: pp.image_std as [number, number, number],
    doResize: pp.do_resize,
    doCenterCrop: pp.do_center_crop,
    doNormalize: pp.do_normalize,
  };
}

/** The model's human name: install.json's repository, else config's _name_or_path, else the folder name. */
export async function folderName(abs: string, nameOrPath?: string): Promise<string> {
  const installManifest = path.join(abs, "install.json");
  if (await exists(installManifest)) {
    const m = (await readJson(installManifest)) as { repo?: unknown };
    if (typeof m.repo === "string") return m.repo;
  }
  return nameOrPath ?? path.basename(abs);
}

export { readJson as readModelJson };
