#!/usr/bin/env python3
"""Writes int8 dynamically quantized variants (onnx/*_quantized.onnx) of a CLIP model folder.

The layout of onnxruntime's quantize_dynamic, done with the plain `onnx` package (Debian's
python3-onnx; onnxruntime's Python tools are not needed):
  * every MatMul whose right operand is a 2-D float initializer W [K, N] becomes
        DynamicQuantizeLinear(x) -> (x_q uint8, x_scale, x_zero_point)
        MatMulInteger(x_q, W_q int8, x_zero_point) -> int32
        Cast(float) * (x_scale * w_scale[N])
    with symmetric per-output-column weight scales w_scale = max|W[:, j]| / 127;
  * the token-embedding Gather reads an int8 table and multiplies by the gathered per-row scale.
Convolutions, LayerNorms, biases and position embeddings stay float32. Inputs and outputs are
unchanged, so lib/clip loads the result with --variant quantized.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def symmetric_int8(x, axis):
    """int8 values and float32 scales (max |x| / 127 along `axis`, kept as a dimension)."""
    scale = np.maximum(np.abs(x).max(axis=axis, keepdims=True), 1e-12) / 127.0
    return np.clip(np.round(x / scale), -127, 127).astype(np.int8), scale.astype(np.float32)


def quantize_model(src, dst):
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes, drop, add = [], set(), []
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return f"{base}/q{counter[0]}"

    for node in g.node:
        if node.op_type == "MatMul" and node.input[1] in inits and len(inits[node.input[1]].dims) == 2:
            wq, scale = symmetric_int8(numpy_helper.to_array(inits[node.input[1]]).astype(np.float32), axis=0)
            scale = scale.reshape(-1)
            name = node.input[1]
            drop.add(name)
            add.append(numpy_helper.from_array(wq, name + "_quantized"))
            add.append(numpy_helper.from_array(scale, name + "_scale"))
            xq, xs, xz = fresh("x_q"), fresh("x_scale"), fresh("x_zero_point")
            acc, accf, s = fresh("acc"), fresh("acc_f"), fresh("scale")
            new_nodes += [
                helper.make_node("DynamicQuantizeLinear", [node.input[0]], [xq, xs, xz]),
                helper.make_node("MatMulInteger", [xq, name + "_quantized", xz], [acc]),
                helper.make_node("Cast", [acc], [accf], to=TensorProto.FLOAT),
                helper.make_node("Mul", [xs, name + "_scale"], [s]),
                helper.make_node("Mul", [accf, s], list(node.output)),
            ]
        elif node.op_type == "Gather" and node.input[0] in inits and inits[node.input[0]].name.endswith("token_embedding.weight"):
            tq, row_scale = symmetric_int8(numpy_helper.to_array(inits[node.input[0]]).astype(np.float32), axis=1)
            name = node.input[0]
            drop.add(name)
            add.append(numpy_helper.from_array(tq, name + "_quantized"))
            add.append(numpy_helper.from_array(row_scale, name + "_row_scale"))
            rows, rowsf, scales = fresh("rows"), fresh("rows_f"), fresh("row_scales")
            axis = [a for a in node.attribute if a.name == "axis"]
            new_nodes += [
                helper.make_node("Gather", [name + "_quantized", node.input[1]], [rows], axis=0),
                helper.make_node("Cast", [rows], [rowsf], to=TensorProto.FLOAT),
                helper.make_node("Gather", [name + "_row_scale", node.input[1]], [scales], axis=0),
                helper.make_node("Mul", [rowsf, scales], list(node.output)),
            ]
            assert not axis or axis[0].i == 0
        else:
            new_nodes.append(node)
    still_used = {i for n in new_nodes for i in n.input}
    kept = [i for i in g.initializer if i.name not in drop or i.name in still_used]
    del g.node[:]
    g.node.extend(new_nodes)
    del g.initializer[:]
    g.initializer.extend(kept + add)
    model.doc_string = (model.doc_string or "") + " (int8 dynamic quantization: research/toy-world/quantize.py)"
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return len(drop)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", nargs="?", default="fixtures/clip-toy", help="model folder with onnx/{vision,text}_model.onnx (default fixtures/clip-toy)")
    a = p.parse_args()
    for tower in ["vision_model", "text_model"]:
        src = os.path.join(a.folder, "onnx", f"{tower}.onnx")
        dst = os.path.join(a.folder, "onnx", f"{tower}_quantized.onnx")
        n = quantize_model(src, dst)
        print(f"{dst}: {n} weight tensors quantized, {os.path.getsize(src) / 1e6:.2f} MB -> {os.path.getsize(dst) / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
