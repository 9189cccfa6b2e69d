// Test generator for the command engine: valid PNGs, except that sample 1's file is cut short
// (header intact, image data truncated) like a write interrupted by a full disk.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

const task = JSON.parse(fs.readFileSync(process.env.T2I_TASK_FILE, "utf8"));
for (const { index } of task.samples) {
  const png = await sharp({
    create: { width: task.width, height: task.height, channels: 3, background: { r: 9, g: 99, b: 199 } },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  fs.writeFileSync(
    path.join(task.outputDir, `${index}.png`),
    index === 1 ? png.subarray(0, Math.floor(png.length / 2)) : png,
  );
}
