// The CLIP BPE tokenizer of a Stable Diffusion folder's tokenizer/ directory, tokenizing the
// way diffusers' pipelines call it: padding="max_length", max_length=77, truncation=True, so
// every prompt becomes exactly 77 ids: <|startoftext|>, up to 75 tokens, <|endoftext|>, pad.
//
// Optimum and diffusers write the slow tokenizer's files (vocab.json + merges.txt);
// @huggingface/tokenizers only reads tokenizer.json, so those two files are converted into the
// fast CLIPTokenizer's tokenizer.json (the layout openai/clip-* repos publish, which
// lib/clip/tokenizer-json.ts also writes). A tokenizer.json in the folder wins.
import fs from "node:fs/promises";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { z } from "zod";
import { BOS_TOKEN as BOS, clipTokenizerJson, EOS_TOKEN as EOS } from "../clip/tokenizer-json";

/** merges.txt: an optional "#version" header, then one "left right" pair per line in rank order. */
export function parseMergesTxt(text: string): string[] {
  return text.split(/\r?\n/).filter((line, i) => line.length > 0 && !(i === 0 && line.startsWith("#version")));
}

// Older configs store special tokens as {"__type": "AddedToken", "content": ...}.
const tokenNameSchema = z.union([z.string(), z.object({ content: z.string() }).transform((t) => t.content)]);
const tokenizerConfigSchema = z.object({
  model_max_length: z.number().int().positive().max(1_000_000).optional(),
  pad_token: tokenNameSchema.nullable().optional(),
});
const specialTokensMapSchema = z.object({ pad_token: tokenNameSchema.optional() });

export const CLIP_CONTEXT_LENGTH = 77;

export type EncodedPrompt = {
  /** Always contextLength ids. */
  ids: number[];
  /** Ids before the padding: start and end tokens included. */
  length: number;
  truncated: boolean;
};

export class DiffusionTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    readonly bosId: number,
    readonly eosId: number,
    readonly padId: number,
  ) {}

  static async fromFolder(dir: string): Promise<DiffusionTokenizer> {
    const read = async (name: string): Promise<string | undefined> => {
      try {
        return await fs.readFile(path.join(dir, name), "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    };
    const parseJson = (name: string, text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`${path.join(dir, name)} is not valid JSON: ${(e as Error).message}`);
      }
    };
    const [tokenizerJsonText, vocabText, mergesText, configText, specialText] = await Promise.all(
      ["tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"].map(read),
    );
    let json: Record<string, unknown>;
    if (tokenizerJsonText !== undefined) {
      json = parseJson("tokenizer.json", tokenizerJsonText) as Record<string, unknown>;
    } else if (vocabText !== undefined && mergesText !== undefined) {
      const vocab = z.record(z.string(), z.number().int().min(0)).parse(parseJson("vocab.json", vocabText));
      json = clipTokenizerJson(vocab, parseMergesTxt(mergesText));
    } else {
      throw new Error(`${dir} has neither tokenizer.json nor vocab.json + merges.txt`);
    }
    const rawConfig = configText === undefined ? {} : parseJson("tokenizer_config.json", configText);
    const cfg = tokenizerConfigSchema.parse(rawConfig);
    const specialMap =
      specialText === undefined ? {} : specialTokensMapSchema.parse(parseJson("special_tokens_map.json", specialText));

    const tokenizer = new Tokenizer(json, rawConfig as object);
    const idOf = (token: string) => {
      const v = tokenizer.token_to_id(token);
      if (v === undefined) throw new Error(`the tokenizer in ${dir} has no ${token} token; not a CLIP tokenizer`);
      return v;
    };
    // SD 1.x pads with <|endoftext|>, SD 2.x with "!": whatever the folder names.
    const padName = cfg.pad_token ?? specialMap.pad_token ?? EOS;
    // Text encoders are exported for 77 positions; a larger model_max_length would not fit them.
    const contextLength = Math.min(cfg.model_max_length ?? CLIP_CONTEXT_LENGTH, CLIP_CONTEXT_LENGTH);
    return new DiffusionTokenizer(tokenizer, contextLength, idOf(BOS), idOf(EOS), idOf(padName));
  }

  encode(prompt: string): EncodedPrompt {
    const body = this.tokenizer.encode(prompt, { add_special_tokens: false }).ids;
    const room = this.contextLength - 2;
    const truncated = body.length > room;
    const ids = [this.bosId, ...body.slice(0, room), this.eosId];
    const length = ids.length;
    while (ids.length < this.contextLength) ids.push(this.padId);
    return { ids, length, truncated };
  }
}
