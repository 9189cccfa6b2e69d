// Reads an image feature extractor's folder: the Hugging Face layout of an image-only ONNX export
// (Xenova/dinov2-base, Xenova/dinov2-large): config.json, preprocessor_config.json and
// onnx/model[_fp16|_quantized].onnx, plus any external-data file the graph references. A folder
// of the user's own extractor (e.g. an Inception for FID) uses the same layout; config.json may
// name the feature output: "t2i_feature": { "output": "pool_3", "token": 0 } (token: which row of
// a [batch, tokens, dim] output; ignored for a [batch, dim] one).
import path from "node:path";
import { z } from "zod";
import {
  detectModelKind,
  externalFilesOf,
  folderName,
  imagePipelineSpec,
  ModelFolderError,
  preprocessorConfigSchema,
  readModelJson,
  VARIANT_SUFFIX,
  type ImagePipelineSpec,
  type ModelVariant,
} from "./model-folder";
import fs from "node:fs/promises";

export const imageModelConfigSchema = z
  .object({
    _name_or_path: z.string().optional(),
    model_type: z.string().optional(),
    hidden_size: z.number().int().positive().optional(),
    t2i_feature: z
      .object({ output: z.string().min(1).optional(), token: z.number().int().min(0).default(0) })
      .optional(),
    t2i_fixture: z.object({ preset: z.string(), seed: z.number().optional() }).passthrough().optional(),
  })
  .passthrough();

export type ImageModelFolder = {
  dir: string;
  name: string;
  variant: ModelVariant;
  modelType: string | undefined;
  /** What preprocessor_config.json describes (the "hf" recipe). */
  image: ImagePipelineSpec;
  isFixture: boolean;
  /** The output to read, when config.json names one; otherwise pooler_output, else the first output. */
  featureOutput: string | undefined;
  /** Row of a [batch, tokens, dim] output: 0, the CLS token, unless config.json says otherwise. */
  featureToken: number;
  files: { config: string; preprocessor: string; model: string; external: string[] };
};

export async function readImageModelFolder(dir: string, variant: ModelVariant = "fp32"): Promise<ImageModelFolder> {
  const abs = path.resolve(dir);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (!stat?.isDirectory()) throw new ModelFolderError(`model folder ${abs} does not exist`);
  const kind = await detectModelKind(abs);
  if (kind === "clip")
    throw new ModelFolderError(
      `${abs} is a CLIP (image and text towers), not an image feature extractor: use it as the evaluator (T2I_MODEL_DIR)`,
    );
  const model = path.join(abs, "onnx", `model${VARIANT_SUFFIX[variant]}.onnx`);
  if (
    !(await fs.stat(model).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw new ModelFolderError(
      `missing onnx/${path.basename(model)} in ${abs} (variant ${variant}); ` +
        (variant === "fp32" ? "is this a complete image feature extractor folder?" : "try variant fp32"),
    );
  }
  const configPath = path.join(abs, "config.json");
  const preprocessorPath = path.join(abs, "preprocessor_config.json");
  const config = imageModelConfigSchema.safeParse(await readModelJson(configPath));
  if (!config.success) throw new ModelFolderError(`config.json: ${config.error.issues[0]?.message}`);
  const pp = preprocessorConfigSchema.safeParse(await readModelJson(preprocessorPath));
  if (!pp.success) {
    const issue = pp.error.issues[0];
    throw new ModelFolderError(`preprocessor_config.json: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const external = externalFilesOf([model]);
  return {
    dir: abs,
    name: await folderName(abs, config.data._name_or_path),
    variant,
    modelType: config.data.model_type,
    image: imagePipelineSpec(pp.data),
    isFixture: config.data.t2i_fixture !== undefined,
    featureOutput: config.data.t2i_feature?.output,
    featureToken: config.data.t2i_feature?.token ?? 0,
    files: { config: configPath, preprocessor: preprocessorPath, model, external },
  };
}
