// CLIP text tokenization as openai/CLIP's simple_tokenizer does it (clip.tokenize), with the BPE
// tables and merges of the model's tokenizer.json (run by @huggingface/tokenizers' BPE model):
//   NFC (ftfy's default normalisation; ftfy's text repairs are not done) → html-unescape twice →
//   collapse Python-\s whitespace runs to one space, strip → lowercase → split with CLIP's
//   pattern, special tokens first (so "<|ENDOFTEXT|>" is the end-of-text token, like in the
//   reference) → UTF-8 bytes → byte-level BPE.
// Whitespace is Python's str.isspace() set, not JavaScript's \s: a U+FEFF (byte-order mark) is
// text to CLIP and is kept as its bytes; U+001C–U+001F and U+0085 are whitespace.
// A literal <|startoftext|> / <|endoftext|> in a prompt is kept as that token, as the reference
// does; CLIP pools at the first end-of-text, so words after a literal one do not change the
// embedding (they still count towards the 77-token context).
// Truncation keeps <|endoftext|> last (clip.tokenize(truncate=True)): CLIP pools at that token,
// so slicing it off (a known defect of some tools) would pool at an arbitrary word instead.
import fs from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { cleanPromptText, PY_WHITESPACE } from "../core/prompt-identity";

// openai/CLIP simple_tokenizer's pattern (its \s is the regex module's Unicode White_Space; the
// text is already whitespace-collapsed, so only " " can occur).
const CLIP_PATTERN = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${PY_WHITESPACE}\\p{L}\\p{N}]+`,
  "gu",
);
const UTF8 = new TextEncoder();

/** GPT-2 / CLIP bytes_to_unicode: printable bytes map to themselves, the others to U+0100 onwards. */
const BYTE_TO_UNICODE: string[] = (() => {
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCodePoint(printable ? b : 256 + n++);
  }
  return out;
})();

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

  static async fromFiles(
    tokenizerPath: string,
    tokenizerConfigPath: string | undefined,
    contextLength: number,
  ): Promise<ClipTokenizer> {
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

  /** CLIP's text cleanup before lowercasing (lib/core/prompt-identity.ts). */
  static clean(text: string): string {
    return cleanPromptText(text);
  }

  /** Token ids of a prompt: [<|startoftext|>, …, <|endoftext|>], at most the context length. */
  encode(prompt: string): TokenizedPrompt {
    const model = this.tokenizer.model;
    if (!model) throw new Error("tokenizer.json has no model");
    const body: number[] = [];
    for (const [piece] of ClipTokenizer.clean(prompt).toLowerCase().matchAll(CLIP_PATTERN)) {
      if (piece === "<|startoftext|>") body.push(this.bosId);
      else if (piece === "<|endoftext|>") body.push(this.eosId);
      else {
        const word = Array.from(UTF8.encode(piece), (b) => BYTE_TO_UNICODE[b]!).join("");
        for (const t of model.encode([word])) body.push(this.tokenizer.token_to_id(t) ?? this.eosId);
      }
    }
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
