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
};
