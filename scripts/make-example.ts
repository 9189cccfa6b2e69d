// Writes the bundled example batch (examples/shapes): procedurally drawn images + a manifest.
import fs from "node:fs/promises";
import path from "node:path";
import { parseCliArgs } from "../lib/cli/parse-cli-args";
import { drawShapePng, type ColorName, type Shape } from "../lib/demo/draw-shape";

const HELP = `Usage: npx tsx scripts/make-example.ts [--out DIR]

Writes a small example batch for 'npm run score': 4 prompts × 3 procedurally drawn
64×64 PNG samples and a manifest.jsonl (file, prompt). Deterministic: rerunning it
rewrites identical files. Default output: examples/shapes.
`;

const PROMPTS: { prompt: string; shape: Shape; color: ColorName }[] = [
  { prompt: "a red square", shape: "square", color: "red" },
  { prompt: "a blue circle", shape: "circle", color: "blue" },
  { prompt: "a green triangle", shape: "triangle", color: "green" },
  { prompt: "a yellow star", shape: "star", color: "yellow" },
];

async function main() {
  const { values } = parseCliArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } }, { script: "make-example", usage: HELP });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const out = path.resolve(values.out ?? "examples/shapes");
  await fs.mkdir(out, { recursive: true });
  const lines: string[] = [];
  let seed = 1;
  for (const p of PROMPTS) {
    for (let i = 0; i < 3; i++) {
      const file = `${p.color}-${p.shape}-${i}.png`;
      await fs.writeFile(path.join(out, file), await drawShapePng({ shape: p.shape, color: p.color, seed: seed++ }));
      lines.push(JSON.stringify({ file, prompt: p.prompt }));
    }
  }
  await fs.writeFile(path.join(out, "manifest.jsonl"), lines.join("\n") + "\n");
  console.log(`wrote ${lines.length} images and manifest.jsonl to ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
