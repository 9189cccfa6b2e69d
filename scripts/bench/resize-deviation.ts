// Measures how far the sharp preprocessing is from the PIL reference (CLIPImageProcessor).
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseCliArgs } from "../../lib/core/cli-args";
import sharp from "sharp";
import { preprocessImage } from "../../lib/clip/preprocess";
import { DEVIATION_SIZES, encodingImages, gray16Png, photoLikePixels } from "../../tools/fixtures/test-images";
import type { ImagePipelineSpec } from "../../lib/clip/model-folder";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

const HELP = `Usage: npm run resize-deviation -- [--edge 224] [--crop 224] [--python /usr/bin/python3] [--out DIR --keep]

Draws photo-like test images (${DEVIATION_SIZES.map(([w, h]) => `${w}×${h}`).join(", ")}; PNG and JPEG),
and 640×480 images in the encodings libvips reads differently from PIL unless told otherwise
(CMYK JPEG with and without an ICC profile, ICC-tagged RGB PNG and JPEG, a GIF with a
transparent palette index, an EXIF-rotated JPEG), plus a 16-bit greyscale PNG (a known,
documented difference: PIL clips it, we scale it). It preprocesses each with this project's sharp pipeline and with PIL (scripts/fixtures/pil-reference.py,
the CLIPImageProcessor recipe), and prints the mean and max absolute difference of the
normalised tensors. Needs python3 with PIL and numpy (Debian: apt-get install python3-pil
python3-numpy). --keep leaves the images and PIL tensors in --out (used to regenerate the
test fixtures in tests/fixtures/pil with --edge 32 --crop 32).
`;

export function specFor(edge: number, crop: number): ImagePipelineSpec {
  return {
    shortestEdge: edge,
    cropHeight: crop,
    cropWidth: crop,
    rescale: 1 / 255,
    mean: [0.48145466, 0.4578275, 0.40821073],
    std: [0.26862954, 0.26130258, 0.27577711],
    doResize: true,
    doCenterCrop: true,
    doNormalize: true,
  };
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        edge: { type: "string", default: "224" },
        crop: { type: "string", default: "224" },
        python: { type: "string", default: "/usr/bin/python3" },
        out: { type: "string" },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "resize-deviation", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const edge = Number(values.edge);
  const crop = Number(values.crop);
  const dir = values.out ? path.resolve(values.out) : await fs.mkdtemp(path.join(os.tmpdir(), "resize-dev-"));
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, [w, h]] of DEVIATION_SIZES.entries()) {
    const img = sharp(photoLikePixels(w, h, i + 1), { raw: { width: w, height: h, channels: 3 } });
    for (const [ext, enc] of [
      ["png", img.clone().png()],
      ["jpg", img.clone().jpeg({ quality: 92 })],
    ] as const) {
      const f = path.join(dir, `photo-${w}x${h}.${ext}`);
      await fs.writeFile(f, await enc.toBuffer());
      files.push(f);
    }
  }
  for (const img of await encodingImages(640, 480, { largeProfiles: true })) {
    const f = path.join(dir, img.name);
    await fs.writeFile(f, img.data);
    files.push(f);
  }
  const knownDifference = path.join(dir, "gray16.png");
  await fs.writeFile(knownDifference, await gray16Png(640, 480));
  files.push(knownDifference);
  try {
    execFileSync(values.python!, [path.resolve(ENTRY_POINTS.pilReference), String(edge), String(crop), ...files], {
      stdio: "inherit",
    });
  } catch {
    console.error(
      `could not run the PIL reference with ${values.python}; install python3-pil and python3-numpy or pass --python`,
    );
    process.exit(2);
  }
  const spec = specFor(edge, crop);
  let total = 0;
  let count = 0;
  let worst = 0;
  console.log(
    `this project (sharp decode + PIL-compatible bicubic) vs PIL BICUBIC at shortest edge ${edge}, crop ${crop}; normalised CHW tensors`,
  );
  console.log("image                     mean|Δ|     max|Δ|");
  for (const f of files) {
    const ours = await preprocessImage(await fs.readFile(f), spec, 1e9);
    const ref = new Float32Array(new Uint8Array(await fs.readFile(f + ".pil.f32")).buffer);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ours[i]! - ref[i]!);
      sum += d;
      if (d > max) max = d;
    }
    const note = f === knownDifference ? "  (known difference, not in the overall figure)" : "";
    console.log(`${path.basename(f).padEnd(24)}  ${(sum / ref.length).toExponential(2)}   ${max.toFixed(4)}${note}`);
    if (note) continue;
    total += sum;
    count += ref.length;
    worst = Math.max(worst, max);
  }
  console.log(
    `overall mean |Δ| = ${(total / count).toExponential(2)}, max |Δ| = ${worst.toFixed(4)} (one 8-bit level = ${(1 / 255 / 0.26).toFixed(4)})`,
  );
  if (!values.keep) await fs.rm(dir, { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
