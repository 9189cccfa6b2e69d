// The toy world's reference set for a prompt set: for each prompt (a caption of the toy grammar),
// `perPrompt` scenes the caption allows (lib/toy-world/caption-scenes.ts), rendered by the toy
// renderer and stored as a reference set tied to the prompt set, so that recall and coverage per
// prompt say which fraction of the variety the caption allows a variant reaches.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { getPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { scenesForCaption } from "../toy-world/caption-scenes";
import { renderScenePng, TOY_IMAGE_SIZE } from "../toy-world/render";
import { createStagingDir, removeStagingDir } from "../uploads/staging";
import { createReferenceSet, type CreateReferenceSetResult } from "./create-reference-set";

export type ToyReferenceOptions = {
  promptSet: string;
  name?: string;
  perPrompt: number;
  seed: number;
  log?: (line: string) => void;
};

/**
 * Renders and stores the reference set (the next version of `name`, default `<prompt set>-truth`).
 * Throws AppError not_found for an unknown prompt set, and an Error naming a prompt that is not
 * a caption of the toy grammar.
 */
export async function createToyReferenceSet(opts: ToyReferenceOptions): Promise<CreateReferenceSetResult> {
  const set = getPromptSetOrThrow(opts.promptSet);
  const staging = await createStagingDir();
  try {
    const items = [];
    for (const [p, prompt] of set.prompts.entries()) {
      // Seeds far apart per prompt: reproducible, and no two prompts share a draw.
      const scenes = scenesForCaption(prompt.text, opts.perPrompt, opts.seed + p * 1_000_003);
      for (const [k, scene] of scenes.entries()) {
        const png = await renderScenePng(scene);
        const fileName = `p${String(p).padStart(4, "0")}-${String(k).padStart(3, "0")}.png`;
        const stagedPath = path.join(staging, fileName);
        await fs.writeFile(stagedPath, png);
        items.push({
          fileName,
          promptId: prompt.promptKey,
          stagedPath,
          sha256: createHash("sha256").update(png).digest("hex"),
          bytes: png.length,
          width: TOY_IMAGE_SIZE,
          height: TOY_IMAGE_SIZE,
          format: "png" as const,
        });
      }
      opts.log?.(`${p + 1}/${set.prompts.length} ${prompt.text}: ${scenes.length} scenes`);
    }
    return await createReferenceSet({
      name: opts.name ?? `${set.name}-truth`,
      description: `toy world: ${opts.perPrompt} scenes per caption drawn from the scene grammar (seed ${opts.seed})`,
      promptSet: set.id,
      items,
    });
  } finally {
    await removeStagingDir(staging);
  }
}
