// Test generator for the command engine: one solid-colour PNG per sample, the colour taken from
// the sample's seed (r, g, b = its low three bytes) so a test can tell which seed made which file.
//   --sleep-ms N  wait first (to outlast a lease)
//   --skip I      leave sample I out
//   --size WxH    write this size instead of the task's
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";

const { values } = parseArgs({
  options: { "sleep-ms": { type: "string" }, skip: { type: "string" }, size: { type: "string" } },
});
const stdin = fs.readFileSync(0, "utf8");
const task = JSON.parse(fs.readFileSync(process.env.T2I_TASK_FILE, "utf8"));
if (JSON.stringify(JSON.parse(stdin)) !== JSON.stringify(task) || process.env.T2I_OUTPUT_DIR !== task.outputDir) {
  process.stderr.write("stdin, T2I_TASK_FILE and T2I_OUTPUT_DIR disagree\n");
  process.exit(4);
}
console.log(`prompt: ${task.prompt}`);
if (values["sleep-ms"]) await new Promise((r) => setTimeout(r, Number(values["sleep-ms"])));
const [width, height] = values.size ? values.size.split("x").map(Number) : [task.width, task.height];
for (const { index, seed } of task.samples) {
  if (values.skip !== undefined && Number(values.skip) === index) continue;
  const background = { r: seed & 255, g: (seed >>> 8) & 255, b: (seed >>> 16) & 255 };
  await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toFile(path.join(task.outputDir, `${index}.png`));
}
