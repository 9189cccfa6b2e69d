// Building and reading onnxruntime tensors in whatever element type a session declares, so
// one pipeline serves float32 and float16 exports, int32 and int64 ids, and scalar or batched
// timesteps (Optimum exports a scalar int64 timestep; older diffusers exports a [batch] float).
import * as ort from "onnxruntime-node";
import { float16BitsToFloat32, float32ToFloat16Bits } from "../core/float16";

export type TensorMetadata = { name: string; type: ort.Tensor.Type; shape: ReadonlyArray<number | string> };

export function tensorInput(session: ort.InferenceSession, name: string): TensorMetadata | undefined {
  const m = session.inputMetadata.find((x) => x.name === name);
  if (!m) return undefined;
  if (!m.isTensor) throw new Error(`input ${name} is not a tensor`);
  return { name: m.name, type: m.type, shape: m.shape };
}

export function floatTensor(meta: TensorMetadata, data: Float32Array, dims: number[]): ort.Tensor {
  switch (meta.type) {
    case "float32":
      return new ort.Tensor("float32", data, dims);
    case "float16":
      return new ort.Tensor("float16", Uint16Array.from(data, float32ToFloat16Bits), dims);
    default:
      throw new Error(`input ${meta.name} has type ${meta.type}; expected float32 or float16`);
  }
}

export function readFloats(t: ort.Tensor, what: string): Float32Array {
  if (t.type === "float32") return t.data as Float32Array;
  if (t.type === "float16") return Float32Array.from(t.data as Uint16Array, float16BitsToFloat32);
  throw new Error(`${what} has type ${t.type}; expected float32 or float16`);
}

export function idsTensor(meta: TensorMetadata, ids: number[], dims: number[]): ort.Tensor {
  switch (meta.type) {
    case "int64":
      return new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, (v) => BigInt(v)),
        dims,
      );
    case "int32":
      return new ort.Tensor("int32", Int32Array.from(ids), dims);
    default:
      throw new Error(`input ${meta.name} has type ${meta.type}; expected int32 or int64`);
  }
}

/**
 * The timestep as the UNet declares it: shape [] (or undeclared) → a scalar, a fixed [1] → one
 * value, anything else → one value per batch row; int64/int32 or float32/float16.
 */
export function timestepTensor(meta: TensorMetadata, t: number, batch: number): ort.Tensor {
  const dims = meta.shape.length === 0 ? [] : meta.shape.length === 1 && meta.shape[0] === 1 ? [1] : [batch];
  if (meta.shape.length > 1)
    throw new Error(`timestep input has rank ${meta.shape.length}; expected a scalar or [batch]`);
  const n = dims.length === 0 ? 1 : dims[0]!;
  switch (meta.type) {
    case "int64":
      return new ort.Tensor("int64", new BigInt64Array(n).fill(BigInt(t)), dims);
    case "int32":
      return new ort.Tensor("int32", new Int32Array(n).fill(t), dims);
    case "float32":
      return new ort.Tensor("float32", new Float32Array(n).fill(t), dims);
    case "float16":
      return new ort.Tensor("float16", new Uint16Array(n).fill(float32ToFloat16Bits(t)), dims);
    default:
      throw new Error(`timestep input has type ${meta.type}; expected int64, int32, float32 or float16`);
  }
}
