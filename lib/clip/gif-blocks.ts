// Walks a GIF's block structure (GIF89a spec, sections 18–23) up to its first image, without
// decoding any pixels: enough to find the Graphic Control Extension that applies to frame one.

export type FirstFrame = {
  /** Offset of the first Image Descriptor (0x2C). */
  imageOffset: number;
  /** The Graphic Control Extension before it, if any: offsets of its packed-fields byte (bit 0 = transparency) and transparent index. */
  control: { packedOffset: number; indexOffset: number } | null;
};

/** Locates the first frame; null when the data is not a well-formed GIF up to that frame. */
export function firstFrame(gif: Uint8Array): FirstFrame | null {
  if (gif.length < 13 || String.fromCharCode(...gif.subarray(0, 3)) !== "GIF") return null;
  const packed = gif[10]!;
  let p = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let control: FirstFrame["control"] = null;
  while (p < gif.length) {
    const introducer = gif[p]!;
    if (introducer === 0x2c) return { imageOffset: p, control };
    if (introducer !== 0x21 || p + 1 >= gif.length) return null;
    const label = gif[p + 1]!;
    if (label === 0xf9 && gif[p + 2] === 4 && p + 6 < gif.length) control = { packedOffset: p + 3, indexOffset: p + 6 };
    // Skip the extension's data sub-blocks (each: size byte, then data) up to the 0 terminator.
    let q = p + 2;
    while (q < gif.length && gif[q] !== 0) q += gif[q]! + 1;
    if (q >= gif.length) return null;
    p = q + 1;
  }
  return null;
}

/** The first frame's Graphic Control Extension, or null. */
export function firstFrameControl(gif: Uint8Array): FirstFrame["control"] {
  return firstFrame(gif)?.control ?? null;
}
