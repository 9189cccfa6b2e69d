// The one place that names a feature space in metric labels: FD_<space>, CMMD_<space>. A CLIP
// evaluator's space keeps its evaluator name (FD_Xenova/clip-vit-base-patch32, as before); an image
// feature extractor's is its catalogue name (dinov2-l-14) or its folder's last name, followed by its
// recipe: "FD_dinov2-l-14 (dgm-eval)". Every label of a distribution metric comes from here.
import { catalogueEntryForRepo } from "./catalogue";
import type { ModelKind } from "./model-folder";

export type FeatureSpace = { name: string; kind?: ModelKind; recipe?: string | null };

/** "dinov2-l-14 (dgm-eval)" for an extractor; the evaluator's name for a CLIP. */
export function featureSpaceName(space: FeatureSpace): string {
  if (space.kind !== "image-features") return space.name;
  const short = catalogueEntryForRepo(space.name)?.name ?? space.name.split("/").pop()!;
  return space.recipe ? `${short} (${space.recipe})` : short;
}

/** `FD_<feature space>` / `CMMD_<feature space>`. */
export function distributionLabel(metric: "FD" | "CMMD", space: FeatureSpace): string {
  return `${metric}_${featureSpaceName(space)}`;
}
