// Embedding vectors are stored as float32 little-endian BLOBs: exact round trip, 4 bytes per value.
import os from "node:os";

const LITTLE_ENDIAN = os.endianness() === "LE";

export function encodeVector(v: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  const out = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => out.writeFloatLE(x, i * 4));
  return out;
}

export function decodeVector(blob: Uint8Array): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`embedding blob of ${blob.byteLength} bytes is not a float32 vector`);
  const n = blob.byteLength / 4;
  if (LITTLE_ENDIAN) {
    // Copy: the driver's buffer may be unaligned or pooled.
    const copy = new Uint8Array(blob);
    return new Float32Array(copy.buffer, 0, n);
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
}
