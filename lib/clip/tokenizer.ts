// CLIP text tokenization on top of @huggingface/tokenizers (reads the model's tokenizer.json).
// Truncation keeps <|endoftext|> last: CLIP pools at that token, so slicing it off (a known
// defect of some tools) would pool at an arbitrary word instead.
import fs from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { decodeHTML } from "entities";

export type TokenizedPrompt = {
  ids: number[];
  /** True when the prompt had more tokens than the context allows and was cut. */
  truncated: boolean;
  /** Tokens the prompt had, start and end tokens included, before truncation. */
  tokenCount: number;
};

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;

  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    ids: { bos: number; eos: number; pad: number },
  ) {
    this.bosId = ids.bos;
    this.eosId = ids.eos;
    this.padId = ids.pad;
  }

  static async fromFiles(tokenizerPath: string, tokenizerConfigPath: string | undefined, contextLength: number): Promise<ClipTokenizer> {
    const json = JSON.parse(await fs.readFile(tokenizerPath, "utf8")) as Record<string, unknown>;
    const cfg = tokenizerConfigPath
      ? (JSON.parse(await fs.readFile(tokenizerConfigPath, "utf8")) as Record<string, unknown>)
      : {};
    const tokenizer = new Tokenizer(json, cfg);
    const id = (tok: string) => {
      const v = tokenizer.token_to_id(tok);
      if (v === undefined) throw new Error(`tokenizer.json has no ${tok} token; not a CLIP tokenizer`);
      return v;
    };
    const bos = id("<|startoftext|>");
    const eos = id("<|endoftext|>");
    // openai/clip-* pads with <|endoftext|>; a folder may name another pad token.
    const padName = typeof cfg.pad_token === "string" ? cfg.pad_token : "<|endoftext|>";
    const pad = tokenizer.token_to_id(padName) ?? eos;
    return new ClipTokenizer(tokenizer, contextLength, { bos, eos, pad });
  }

  /** CLIP's own text cleanup (html unescape twice, collapse whitespace); lowercasing is in tokenizer.json. */
  static clean(text: string): string {
    return decodeHTML(decodeHTML(text)).replace(/\s+/g, " ").trim();
  }

  encode(prompt: string): TokenizedPrompt {
    const { ids } = this.tokenizer.encode(ClipTokenizer.clean(prompt), { add_special_tokens: false });
    // A literal "<|endoftext|>" typed into a prompt would end pooling early; drop such tokens.
    const body = ids.filter((t) => t !== this.bosId && t !== this.eosId);
    const tokenCount = body.length + 2;
    const room = this.contextLength - 2;
    const truncated = body.length > room;
    return { ids: [this.bosId, ...(truncated ? body.slice(0, room) : body), this.eosId], truncated, tokenCount };
  }

  /** Pads a batch to its longest member (not to the full context) and builds the attention mask. */
  batch(prompts: TokenizedPrompt[]): { inputIds: BigInt64Array; attentionMask: BigInt64Array; length: number } {
    const length = Math.max(...prompts.map((p) => p.ids.length));
    const inputIds = new BigInt64Array(prompts.length * length).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(prompts.length * length);
    prompts.forEach((p, row) => {
      p.ids.forEach((t, i) => {
        inputIds[row * length + i] = BigInt(t);
        attentionMask[row * length + i] = 1n;
      });
    });
    return { inputIds, attentionMask, length };
  }
}
