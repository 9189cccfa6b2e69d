// The fast dot-product backend: one ONNX Gemm (A·Bᵀ) run by onnxruntime-node, the same runtime
// that runs the evaluator, with its multithreaded float32 kernels (~20–100 GFLOP/s on this
// project's 2-core machine against ~0.2–1 for plain TypeScript loops). Results are float32:
// relative error ~1e-6, which moves no k-NN decision except exact ties.
import * as ort from "onnxruntime-node";
import type { DotProductBackend } from "./dot-products";
import type { EmbeddingMatrix } from "./embedding-matrix";

/**
 * ONNX model (opset 17): inputs a [rows, d] and b [m, d] float32, output c = Gemm(a, b, transB=1)
 * [rows, m]. Written by `dotProductModelBytes()` in onnx-dot-products.test.ts from the fixture
 * graph builder; the test checks that these bytes are what it writes.
 */
export const DOT_PRODUCT_MODEL_BASE64 =
  "CAgSCHQyaS1ldmFsMgA6ggEKJwoBYQoBYhIBYxoHL0dlbW1fMCIER2VtbSoNCgZ0cmFuc0IYAaABAhIMZG90X3Byb2R1Y3RzWhgKAWESEwoRCAESDQoGEgRyb3dzCgMSAWRaFQoBYhIQCg4IARIKCgMSAW0KAxIBZGIYCgFjEhMKEQgBEg0KBhIEcm93cwoDEgFtQgQKABAR";

const sessions = new Map<number, Promise<ort.InferenceSession>>();

function session(threads: number): Promise<ort.InferenceSession> {
  let s = sessions.get(threads);
  if (!s) {
    s = ort.InferenceSession.create(Buffer.from(DOT_PRODUCT_MODEL_BASE64, "base64"), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    sessions.set(threads, s);
  }
  return s;
}

/** A DotProductBackend on onnxruntime-node with `threads` intra-op threads (one cached session per thread count). */
export function onnxDotProducts(threads: number): DotProductBackend {
  return async (a: EmbeddingMatrix, rowStart: number, rows: number, b: EmbeddingMatrix) => {
    const s = await session(threads);
    const aBlock = a.data.subarray(rowStart * a.d, (rowStart + rows) * a.d);
    const out = await s.run({
      a: new ort.Tensor("float32", aBlock, [rows, a.d]),
      b: new ort.Tensor("float32", b.data, [b.n, b.d]),
    });
    return out.c!.data as Float32Array;
  };
}
