// The files an ONNX graph reads besides itself: tensors stored with data_location = EXTERNAL name a
// file (relative to the graph's folder) and a byte range in it. Every model over 2 GB keeps its
// weights that way (protobuf's limit), e.g. onnx/model.onnx + onnx/model.onnx_data, so an
// evaluator's identity and a model folder's completeness must cover those files too.
//
// The graph is read with positional reads that skip every payload (raw_data, float_data, …), so a
// 1.2 GB single-file graph costs a few hundred small reads, not 1.2 GB of I/O. Only the fields
// that can hold tensors are walked (onnx.proto3 field numbers):
//   ModelProto.graph 7 → GraphProto { node 1, initializer 5, sparse_initializer 15 }
//   NodeProto.attribute 5 → AttributeProto { t 5, g 6, tensors 10, graphs 11, sparse_tensor 22, sparse_tensors 23 }
//   SparseTensorProto { values 1, indices 2 }
//   TensorProto { name 8, external_data 13 (StringStringEntryProto { key 1, value 2 }), data_location 14 }
import fs from "node:fs";
import path from "node:path";

export type ExternalDataRef = {
  /** As written in the graph: relative to the graph's folder. */
  location: string;
  /** Bytes of the file the graph's tensors need: max(offset + length) over its tensors (0 when lengths are absent). */
  bytesNeeded: number;
  /** Tensors stored in it. */
  tensors: number;
};

export class OnnxGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnnxGraphError";
  }
}

const EXTERNAL = 1;
const WINDOW = 8192;

/** Reads bytes of one file at positions, through a small window cache. */
class PositionalReader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byte(pos: number): number {
    if (pos < this.bufStart || pos >= this.bufStart + this.buf.length) this.fill(pos, WINDOW);
    return this.buf[pos - this.bufStart]!;
  }

  bytes(pos: number, len: number): Buffer {
    if (pos < this.bufStart || pos + len > this.bufStart + this.buf.length) this.fill(pos, Math.max(len, WINDOW));
    return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + len);
  }

  private fill(pos: number, len: number): void {
    const n = Math.min(len, this.size - pos);
    if (n <= 0) throw new OnnxGraphError(`unexpected end of file at byte ${pos}`);
    const b = Buffer.alloc(n);
    fs.readSync(this.fd, b, 0, n, pos);
    this.buf = b;
    this.bufStart = pos;
  }
}

type Field = { no: number; wire: number; start: number; end: number; value: number };

/** The fields of the message in [start, end): length-delimited ones as ranges, varints as values. */
function* fields(r: PositionalReader, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let mult = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new OnnxGraphError(`truncated varint at byte ${pos}`);
      const b = r.byte(pos++);
      result += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) return result;
      mult *= 128;
    }
    throw new OnnxGraphError(`varint too long at byte ${pos}`);
  };
  while (pos < end) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const value = varint();
      yield { no, wire, start: pos, end: pos, value };
    } else if (wire === 2) {
      const len = varint();
      if (pos + len > end) throw new OnnxGraphError(`field ${no} runs past its message (byte ${pos} + ${len})`);
      yield { no, wire, start: pos, end: pos + len, value: len };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new OnnxGraphError(`unsupported protobuf wire type ${wire} at byte ${pos}`);
  }
}

function text(r: PositionalReader, f: Field): string {
  return r.bytes(f.start, f.end - f.start).toString("utf8");
}

type Collected = Map<string, { bytesNeeded: number; tensors: number }>;

function tensor(r: PositionalReader, start: number, end: number, out: Collected): void {
  let external = false;
  const entries: Array<[string, string]> = [];
  let name = "";
  for (const f of fields(r, start, end)) {
    if (f.no === 14 && f.wire === 0) external = f.value === EXTERNAL;
    else if (f.no === 8 && f.wire === 2) name = text(r, f);
    else if (f.no === 13 && f.wire === 2) {
      let key = "";
      let value = "";
      for (const e of fields(r, f.start, f.end)) {
        if (e.no === 1 && e.wire === 2) key = text(r, e);
        else if (e.no === 2 && e.wire === 2) value = text(r, e);
      }
      entries.push([key, value]);
    }
  }
  if (!external) return;
  const info = Object.fromEntries(entries);
  const location = info.location;
  if (!location) throw new OnnxGraphError(`tensor "${name}" is stored externally but names no location`);
  const offset = Number(info.offset ?? 0);
  const length = Number(info.length ?? 0);
  const prev = out.get(location) ?? { bytesNeeded: 0, tensors: 0 };
  out.set(location, {
    bytesNeeded: Math.max(prev.bytesNeeded, Number.isFinite(offset + length) && length > 0 ? offset + length : 0),
    tensors: prev.tensors + 1,
  });
}

function sparse(r: PositionalReader, start: number, end: number, out: Collected): void {
  for (const f of fields(r, start, end)) if ((f.no === 1 || f.no === 2) && f.wire === 2) tensor(r, f.start, f.end, out);
}

function attribute(r: PositionalReader, start: number, end: number, out: Collected): void {
  for (const f of fields(r, start, end)) {
    if (f.wire !== 2) continue;
    if (f.no === 5 || f.no === 10) tensor(r, f.start, f.end, out);
    else if (f.no === 6 || f.no === 11) graph(r, f.start, f.end, out);
    else if (f.no === 22 || f.no === 23) sparse(r, f.start, f.end, out);
  }
}

function graph(r: PositionalReader, start: number, end: number, out: Collected): void {
  for (const f of fields(r, start, end)) {
    if (f.wire !== 2) continue;
    if (f.no === 5) tensor(r, f.start, f.end, out);
    else if (f.no === 15) sparse(r, f.start, f.end, out);
    else if (f.no === 1) {
      for (const n of fields(r, f.start, f.end)) if (n.no === 5 && n.wire === 2) attribute(r, n.start, n.end, out);
    }
  }
}

/**
 * The external-data files `graphFile` references, in the order first seen. Throws OnnxGraphError
 * when the file is not a readable ONNX graph or a location escapes the graph's folder.
 */
export function externalDataRefs(graphFile: string): ExternalDataRef[] {
  const fd = fs.openSync(graphFile, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const r = new PositionalReader(fd, size);
    const out: Collected = new Map();
    let sawGraph = false;
    try {
      for (const f of fields(r, 0, size)) {
        if (f.no === 7 && f.wire === 2) {
          sawGraph = true;
          graph(r, f.start, f.end, out);
        }
      }
    } catch (e) {
      if (e instanceof OnnxGraphError)
        throw new OnnxGraphError(`${graphFile} is not a readable ONNX graph: ${e.message}`);
      throw e;
    }
    if (!sawGraph) throw new OnnxGraphError(`${graphFile} is not an ONNX model (no graph)`);
    return [...out].map(([location, v]) => {
      const normalised = path.posix.normalize(location.split(path.sep).join("/"));
      if (path.isAbsolute(location) || normalised.startsWith("../") || normalised === "..") {
        throw new OnnxGraphError(
          `${graphFile} references external data outside its folder ("${location}"); refusing to read it`,
        );
      }
      return { location: normalised, ...v };
    });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks that every file `graphFile` references exists and is long enough. Returns their absolute
 * paths; throws OnnxGraphError naming the first missing or short one.
 */
export function checkExternalData(graphFile: string): string[] {
  const dir = path.dirname(graphFile);
  return externalDataRefs(graphFile).map((ref) => {
    const abs = path.join(dir, ref.location);
    let size: number;
    try {
      size = fs.statSync(abs).size;
    } catch {
      throw new OnnxGraphError(
        `${path.basename(graphFile)} keeps ${ref.tensors} tensor(s) in "${ref.location}", which is missing from ${dir}`,
      );
    }
    if (size < ref.bytesNeeded) {
      throw new OnnxGraphError(
        `"${ref.location}" has ${size} bytes but ${path.basename(graphFile)} reads up to byte ${ref.bytesNeeded}: the file is truncated`,
      );
    }
    return abs;
  });
}
