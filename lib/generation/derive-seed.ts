// Per-sample seeds of a generation, as docs/reference/worker-protocol.md defines them: the first 4 bytes
// (uint32, big-endian) of SHA-256("<request seed>:<prompt id>:<sample index>"), where the
// prompt id is the prompt's id in its prompt set (Task.prompt.id). Fixing the request seed
// fixes every sample's seed, so a run can be regenerated exactly; neighbouring indices get
// unrelated seeds, so no two samples share noise.
//
// Example: deriveSeed(42, "roses-vase", 0) = SHA-256("42:roses-vase:0")[0..4] read as uint32 BE.
import { createHash } from "node:crypto";

export const UINT32_MAX = 0xffff_ffff;

export function deriveSeed(requestSeed: number, promptId: string, sampleIndex: number): number {
  return createHash("sha256").update(`${requestSeed}:${promptId}:${sampleIndex}`, "utf8").digest().readUInt32BE(0);
}

/** Stored as the runs' seed policy, so a reader of a run knows how its seeds were made. */
export function seedPolicy(requestSeed: number): string {
  return `derived: uint32 BE of sha256("${requestSeed}:<prompt id>:<sample index>")[0..4]`;
}
