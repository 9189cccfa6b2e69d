// npm run bench:distribution: time of every distribution metric (FD, CMMD, precision/recall,
// density/coverage) for one run against one reference set, at the target size.
import { parseCliArgs } from "../../lib/core/cli-args";
import { config } from "../../lib/core/config";
import { distributionMetrics, jsDotProducts, type EmbeddingMatrix } from "../../lib/metrics/distribution/index";
import { onnxDotProducts } from "../../lib/metrics/distribution/onnx-dot-products";

const HELP = `Usage: npm run bench:distribution -- [options]

Draws seeded random L2-normalised embeddings (a generated set and a reference set drawn from two
slightly different Gaussians), then times distributionMetrics() on them: three passes over the
squared distances (k-NN radii, kernel sums, manifold counts) and two covariances plus the FD
eigenvalues. Prints seconds and the metric values. The baseline, measured in the same run, is
the plain TypeScript backend on a --baseline-size subset, against the ONNX backend on the same
subset (the speed-up) and on the full size (the figure to read; target < 30 s for 10,000 × 10,000).

Options:
  --generated N      generated embeddings (default 10000)
  --reference N      reference embeddings (default 10000)
  --dim N            embedding dimension (default 512, CLIP ViT-B/32)
  --baseline-size N  subset for the TypeScript-vs-ONNX baseline (default 1000; 0 skips it)
  --threads N        ONNX intra-op threads (default T2I_THREADS = cores)
  -h, --help         this text
`;

function randomSet(n: number, d: number, seed: number, shift: number): EmbeddingMatrix {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return (((r ^ (r >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const g = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) + (k === 0 ? shift : 0);
      data[i * d + k] = g;
      norm += g * g;
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) data[i * d + k]! /= norm;
  }
  return { data, n, d };
}

function subset(m: EmbeddingMatrix, n: number): EmbeddingMatrix {
  const k = Math.min(n, m.n);
  return { data: m.data.subarray(0, k * m.d), n: k, d: m.d };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        generated: { type: "string", default: "10000" },
        reference: { type: "string", default: "10000" },
        dim: { type: "string", default: "512" },
        "baseline-size": { type: "string", default: "1000" },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "bench:distribution", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const nGen = int("generated", values.generated!, 2);
  const nRef = int("reference", values.reference!, 2);
  const dim = int("dim", values.dim!, 1);
  const baseline = int("baseline-size", values["baseline-size"]!, 0);
  const threads = values.threads ? int("threads", values.threads, 1) : config().threads;
  const onnx = onnxDotProducts(threads);
  const gen = randomSet(nGen, dim, 1, 0.3);
  const ref = randomSet(nRef, dim, 2, 0);
  console.log(`distribution metrics, d = ${dim}, ONNX threads = ${threads}`);
  if (baseline >= 2) {
    const g = subset(gen, baseline);
    const r = subset(ref, baseline);
    const [, tJs] = await timed(() => distributionMetrics(g, r, { backend: jsDotProducts }));
    const [, tOnnx] = await timed(() => distributionMetrics(g, r, { backend: onnx }));
    console.log(
      `baseline ${g.n} × ${r.n}: TypeScript backend ${tJs.toFixed(2)} s, ONNX backend ${tOnnx.toFixed(2)} s (${(tJs / tOnnx).toFixed(1)}× faster)`,
    );
  }
  const [res, t] = await timed(() => distributionMetrics(gen, ref, { backend: onnx }));
  console.log(`full ${nGen} × ${nRef}: ${t.toFixed(2)} s (ONNX backend; target < 30 s at 10,000 × 10,000)`);
  console.log(
    `  FD ${res.fd.value.toFixed(5)}${res.fd.reliable ? "" : " (unreliable)"}  CMMD ${res.cmmd.toFixed(4)}  precision ${res.precision?.toFixed(4)}  recall ${res.recall?.toFixed(4)}  density ${res.density?.toFixed(4)}  coverage ${res.coverage?.toFixed(4)}`,
  );
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
