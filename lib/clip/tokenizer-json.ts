// The one home of the openai CLIP tokenizer's Hugging Face layout: tokenizer.json /
// tokenizer_config.json / special_tokens_map.json as openai/clip-vit-base-patch32 and
// Xenova/clip-vit-base-patch32 publish them. The GPU worker converts a diffusers folder's slow
// tokenizer files with it (lib/diffusion/clip-tokenizer.ts), and the fixture writers build
// their folders with it from the real vocabulary (tools/fixtures/clip/clip-vocab.ts).

export const BOS_TOKEN = "<|startoftext|>";
export const EOS_TOKEN = "<|endoftext|>";
export const BOS_TOKEN_ID = 49406;
export const EOS_TOKEN_ID = 49407;
export const CLIP_VOCAB_SIZE = 49408;
export const CLIP_MAX_LENGTH = 77;

// openai/CLIP simple_tokenizer.py's pattern (applied case-insensitively there; the
// Lowercase normalizer runs first here, so the flag would change nothing).
export const CLIP_SPLIT_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

type AddedTokenJson = {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
};

export type ClipTokenizerJson = {
  version: "1.0";
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  model: {
    type: "BPE";
    dropout: null;
    unk_token: string;
    continuing_subword_prefix: string;
    end_of_word_suffix: string;
    fuse_unk: boolean;
    byte_fallback: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
};

function addedToken(id: number, content: string, normalized: boolean): AddedTokenJson {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true };
}

/** tokenizer.json of HF's fast CLIPTokenizer for a vocabulary (token → id) and merges (rank order). */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[]): ClipTokenizerJson {
  for (const token of [BOS_TOKEN, EOS_TOKEN]) {
    if (vocab[token] === undefined) throw new Error(`vocab.json has no ${token} token; not a CLIP tokenizer`);
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [addedToken(vocab[BOS_TOKEN]!, BOS_TOKEN, true), addedToken(vocab[EOS_TOKEN]!, EOS_TOKEN, false)],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        // invert: keep the regex matches as pieces and drop what lies between (spaces).
        { type: "Split", pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: "Removed", invert: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: [EOS_TOKEN, vocab[EOS_TOKEN]!],
      cls: [BOS_TOKEN, vocab[BOS_TOKEN]!],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: EOS_TOKEN,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

export function buildClipTokenizerConfig(): Record<string, unknown> {
  return {
    add_prefix_space: false,
    bos_token: BOS_TOKEN,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: EOS_TOKEN,
    errors: "replace",
    model_max_length: CLIP_MAX_LENGTH,
    pad_token: EOS_TOKEN,
    tokenizer_class: "CLIPTokenizer",
    unk_token: EOS_TOKEN,
  };
}

export function buildClipSpecialTokensMap(): Record<string, string> {
  return { bos_token: BOS_TOKEN, eos_token: EOS_TOKEN, pad_token: EOS_TOKEN, unk_token: EOS_TOKEN };
}
