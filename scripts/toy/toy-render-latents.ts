// npm run toy:render-latents: draws toy scene latents with the toy renderer, for Python samplers
// (research/toy-world/sample_gen.py) that must produce exactly the toy engine's pictures.
import fs from "node:fs";
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { decodeSceneLatent, LATENT_DIM } from "../../lib/toy-world/latent";
import { renderScenePng } from "../../lib/toy-world/render";

const HELP = `Usage: npm run toy:render-latents -- [--width N] [--height N] < jobs.json

Reads a JSON array [{"latent": [${LATENT_DIM} numbers], "file": "out.png"}, …] on stdin and writes
each latent's scene (lib/toy-world/latent.ts layout) as a PNG to its file.
  --width N, --height N   canvas size in pixels (default 64 × 64)
  -h, --help              this text
`;

const jobsSchema = z.array(z.object({ latent: z.array(z.number()).length(LATENT_DIM), file: z.string().min(1) }));

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: { width: { type: "string" }, height: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    },
    { script: "toy:render-latents", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const size = z.coerce.number().int().min(1).max(4096);
  const width = size.parse(values.width ?? 64);
  const height = size.parse(values.height ?? 64);
  const jobs = jobsSchema.parse(JSON.parse(fs.readFileSync(0, "utf8")));
  for (const j of jobs) fs.writeFileSync(j.file, await renderScenePng(decodeSceneLatent(j.latent), { width, height }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`toy:render-latents: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
