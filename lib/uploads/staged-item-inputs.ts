// Staged upload items as the input rows of createRun and createReferenceSet (both take the same
// file fields; a reference set ignores `seed`).
import type { StagedItem } from "./types";

export function stagedItemInputs(items: readonly StagedItem[]) {
  return items.map((i) => ({
    fileName: i.fileName,
    prompt: i.prompt,
    promptId: i.promptId,
    seed: i.seed,
    stagedPath: i.path,
    sha256: i.sha256,
    bytes: i.bytes,
    width: i.width,
    height: i.height,
    format: i.format,
  }));
}
