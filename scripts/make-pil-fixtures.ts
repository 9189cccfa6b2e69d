// Regenerates tests/fixtures/pil: images in every accepted mode, format and PIL-sensitive encoding plus the tensors PIL's
// CLIP preprocessing (scripts/pil-reference.py) makes of them, at shortest edge 32, crop 32.
// Needs Debian's python3-pil and python3-numpy; the outputs are committed so tests don't.
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { encodingImages, modeImages, photoLikePixels } from "../lib/clip/test-images";

const HELP = `Usage: npx tsx scripts/make-pil-fixtures.ts [--out tests/fixtures/pil] [--python /usr/bin/python3]

Writes test images (every accepted mode and format; CMYK JPEG, ICC-tagged RGB, a GIF with a
transparent palette index and an EXIF-rotated JPEG; photo-like images that are downscaled,
upscaled and cropped) and PIL's reference CLIP tensors (edge 32, crop 32) for
the preprocessing tests. Requires python3 with PIL and numpy.
`;

async function main() {
  const { values } = parseArgs({
    options: { out: { type: "string", default: "tests/fixtures/pil" }, python: { type: "string", default: "/usr/bin/python3" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return void process.stdout.write(HELP);
  const out = path.resolve(values.out!);
  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(out, { recursive: true });
  const files: string[] = [];
  for (const img of [...(await modeImages(96, 72)), ...(await encodingImages(96, 72))]) {
    await fs.writeFile(path.join(out, img.name), img.data);
    files.push(path.join(out, img.name));
  }
  for (const [w, h] of [[20, 28], [200, 90], [32, 32]] as const) {
    const f = path.join(out, `photo-${w}x${h}.png`);
    await fs.writeFile(f, await sharp(photoLikePixels(w, h, w), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    files.push(f);
  }
  execFileSync(values.python!, [path.resolve("scripts/pil-reference.py"), "32", "32", ...files], { stdio: "inherit" });
  console.log(`wrote ${files.length} images and PIL tensors to ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
