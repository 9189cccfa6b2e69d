// Preprocessing recipes of image feature extractors. The recipe is part of the extractor's identity
// (identity.ts): the same weights under another recipe give other features, so their numbers never
// meet in one table.
//
//   dgm-eval  what layer6ai-labs/dgm-eval (dgm_eval/models/dinov2.py, DINOv2Encoder.transform) feeds
//             DINOv2: the whole image squashed to 224×224 with PIL bicubic (torchvision Resize((224,
//             224), BICUBIC) on a PIL image), ToTensor (÷255), ImageNet mean (0.485, 0.456, 0.406) and
//             std (0.229, 0.224, 0.225). Its feature is the model's output, the CLS token after the
//             final LayerNorm (x_norm_clstoken; pooler_output of Hugging Face's Dinov2Model).
//   hf        the folder's own preprocessor_config.json, as Hugging Face's image processor applies it
//             (for Xenova/dinov2-*: BitImageProcessor, shortest edge 256 bicubic, centre crop 224,
//             ImageNet mean/std).
// Neither recipe L2-normalises the features: FD, precision/recall and density/coverage are computed
// on them as they come out of the model, as dgm-eval does.
import type { ImagePipelineSpec } from "./model-folder";

export const FEATURE_RECIPES = ["dgm-eval", "hf"] as const;
export type FeatureRecipe = (typeof FEATURE_RECIPES)[number];

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

export const RECIPE_DESCRIPTIONS: Record<FeatureRecipe, string> = {
  "dgm-eval": "squash to 224×224 bicubic (no crop), ImageNet mean/std, CLS token — as dgm-eval",
  hf: "the folder's preprocessor_config.json (Hugging Face image processor), CLS token",
};

/** The image pipeline of `recipe`; `folderSpec` is what the folder's preprocessor_config.json describes. */
export function recipePipeline(recipe: FeatureRecipe, folderSpec: ImagePipelineSpec): ImagePipelineSpec {
  if (recipe === "hf") return folderSpec;
  return {
    shortestEdge: 224,
    cropHeight: 224,
    cropWidth: 224,
    rescale: 1 / 255,
    mean: IMAGENET_MEAN,
    std: IMAGENET_STD,
    // No shortest-edge resize and no crop: preprocess.ts then resizes straight to crop size, a squash.
    doResize: false,
    doCenterCrop: false,
    doNormalize: true,
  };
}
