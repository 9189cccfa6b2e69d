// What to install and from where: the options of one fetch-model.
import type { ModelVariant, PinnedFile } from "../pinned-models";

export type FetchModelOptions = {
  repo: string;
  revision: string;
  variant: ModelVariant;
  modelsDir: string;
  /** Install folder name under modelsDir. */
  name: string;
  force?: boolean;
  allowUnverified?: boolean;
  /** Hub base URL, e.g. https://huggingface.co or a mirror. */
  endpoint: string;
  token?: string;
  /** Replaces the pinned file list (tests, or a repository this project does not pin). */
  files?: readonly PinnedFile[];
  /** "clip" (default) or "image-features": which layout the install holds. */
  kind?: "clip" | "image-features";
  /** The catalogue name (lib/clip/catalogue.ts) it is installed as, recorded in install.json. */
  model?: string;
};
