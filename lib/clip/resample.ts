// PIL-compatible bicubic resampling (Image.resize(..., BICUBIC)) of 8-bit RGB pixels.
// libvips' cubic upsampling is aligned differently from PIL and moved upscaled CLIP tensors by
// ~3 grey levels on average (see `npm run resize-deviation`), so the resize step follows PIL's
// separable convolution: Catmull-Rom (a = -0.5), support widened by the scale when
// downsampling (antialiasing), 22-bit fixed-point weights, rounding after each pass.
const PRECISION_BITS = 32 - 8 - 2;
const SUPPORT = 2;
const A = -0.5;

function bicubic(x: number): number {
  x = Math.abs(x);
  if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
  return 0;
}

type Coeffs = { bounds: Int32Array; kernel: Int32Array; ksize: number };

function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kernel = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xcount = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xcount; x++) {
      const w = bicubic((x + xmin - center + 0.5) / filterScale);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xcount; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      kernel[xx * ksize + x] =
        w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xcount;
  }
  return { bounds, kernel, ksize };
}

const clip8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

function horizontal(src: Uint8Array, w: number, h: number, outW: number): Uint8Array {
  const { bounds, kernel, ksize } = coefficients(w, outW);
  const out = new Uint8Array(outW * h * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let xx = 0; xx < outW; xx++) {
      const xmin = bounds[xx * 2]!;
      const n = bounds[xx * 2 + 1]!;
      let r = half;
      let g = half;
      let b = half;
      for (let x = 0; x < n; x++) {
        const kv = kernel[xx * ksize + x]!;
        const i = row + (xmin + x) * 3;
        r += src[i]! * kv;
        g += src[i + 1]! * kv;
        b += src[i + 2]! * kv;
      }
      const o = (y * outW + xx) * 3;
      out[o] = clip8(r >> PRECISION_BITS);
      out[o + 1] = clip8(g >> PRECISION_BITS);
      out[o + 2] = clip8(b >> PRECISION_BITS);
    }
  }
  return out;
}

function vertical(src: Uint8Array, w: number, h: number, outH: number): Uint8Array {
  const { bounds, kernel, ksize } = coefficients(h, outH);
  const out = new Uint8Array(w * outH * 3);
  const stride = w * 3;
  // Accumulate whole rows: sequential memory access instead of a column walk per pixel.
  const acc = new Float64Array(stride);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2]!;
    const n = bounds[yy * 2 + 1]!;
    acc.fill(1 << (PRECISION_BITS - 1));
    for (let y = 0; y < n; y++) {
      const kv = kernel[yy * ksize + y]!;
      const row = (ymin + y) * stride;
      for (let i = 0; i < stride; i++) acc[i] += src[row + i]! * kv;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]! >> PRECISION_BITS);
  }
  return out;
}

/** Resizes packed 8-bit RGB like PIL: horizontal pass, then vertical, each only when needed. */
export function resizeBicubicRgb(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  let cur = src;
  if (outW !== w) cur = horizontal(cur, w, h, outW);
  if (outH !== h) cur = vertical(cur, outW, h, outH);
  return cur;
}
