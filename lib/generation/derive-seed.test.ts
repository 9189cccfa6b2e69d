import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveSeed, UINT32_MAX } from "./derive-seed";

/** The formula of docs/reference/worker-protocol.md, written out separately from the implementation. */
function reference(seed: number, promptId: string, index: number): number {
  const d = createHash("sha256").update(`${seed}:${promptId}:${index}`).digest();
  return ((d[0]! << 24) >>> 0) + (d[1]! << 16) + (d[2]! << 8) + d[3]!;
}

describe("deriveSeed", () => {
  it("matches hand-computed values of the documented formula", () => {
    // python3: int.from_bytes(hashlib.sha256(b"42:roses-vase:0").digest()[:4], "big")
    expect(deriveSeed(42, "roses-vase", 0)).toBe(3587024594);
    expect(deriveSeed(42, "roses-vase", 1)).toBe(2241209662);
    expect(deriveSeed(0, "p1", 0)).toBe(1050115840);
    expect(deriveSeed(UINT32_MAX, "a red square", 63)).toBe(1072809889);
  });

  it("agrees with an independent implementation and stays in uint32", () => {
    for (const [seed, prompt] of [
      [7, "p3"],
      [123456789, "café ☕"],
      [UINT32_MAX, "x:y"],
    ] as const) {
      for (let i = 0; i < 20; i++) {
        const s = deriveSeed(seed, prompt, i);
        expect(s).toBe(reference(seed, prompt, i));
        expect(Number.isInteger(s) && s >= 0 && s <= UINT32_MAX).toBe(true);
      }
    }
  });
});
