import { describe, expect, it } from "vitest";
import { floatTensor, idsTensor, readFloats, timestepTensor, type TensorMetadata } from "./tensors";

const meta = (type: TensorMetadata["type"], shape: Array<number | string>): TensorMetadata => ({
  name: "x",
  type,
  shape,
});

describe("timestepTensor", () => {
  it("follows the declared shape: scalar, fixed [1], or one per batch row", () => {
    expect(timestepTensor(meta("int64", []), 981, 2).dims).toEqual([]);
    expect(timestepTensor(meta("int64", [1]), 981, 2).dims).toEqual([1]);
    expect(timestepTensor(meta("int64", ["steps"]), 981, 2).dims).toEqual([2]);
    expect(timestepTensor(meta("int64", [2]), 981, 2).dims).toEqual([2]);
    expect(() => timestepTensor(meta("int64", [1, 1]), 981, 2)).toThrow(/rank/);
  });

  it("follows the declared type", () => {
    expect(Array.from(timestepTensor(meta("int64", ["b"]), 981, 2).data as BigInt64Array)).toEqual([981n, 981n]);
    expect(Array.from(timestepTensor(meta("int32", []), 981, 1).data as Int32Array)).toEqual([981]);
    expect(Array.from(timestepTensor(meta("float32", ["b"]), 981, 1).data as Float32Array)).toEqual([981]);
    // 981 in binary16: exponent 9 (+15 = 24), mantissa (981/512 − 1)·1024 = 938 → 0x63aa
    expect(Array.from(timestepTensor(meta("float16", []), 981, 1).data as Uint16Array)).toEqual([0x63aa]);
    expect(() => timestepTensor(meta("bool", []), 1, 1)).toThrow(/type/);
  });
});

describe("float and id tensors", () => {
  it("converts to and from float16 when the model declares it", () => {
    const t = floatTensor(meta("float16", [2]), Float32Array.from([1, -2.5]), [2]);
    expect(t.type).toBe("float16");
    expect(Array.from(readFloats(t, "x"))).toEqual([1, -2.5]);
    expect(floatTensor(meta("float32", [2]), Float32Array.from([1, 2]), [2]).type).toBe("float32");
    expect(() => floatTensor(meta("int64", [2]), new Float32Array(2), [2])).toThrow(/float32 or float16/);
  });

  it("builds int32 or int64 ids", () => {
    expect(idsTensor(meta("int32", ["b", 3]), [1, 2, 3], [1, 3]).type).toBe("int32");
    expect(Array.from(idsTensor(meta("int64", ["b", 3]), [1, 2, 3], [1, 3]).data as BigInt64Array)).toEqual([
      1n,
      2n,
      3n,
    ]);
    expect(() => idsTensor(meta("float32", ["b", 3]), [1], [1, 1])).toThrow(/int32 or int64/);
  });
});
