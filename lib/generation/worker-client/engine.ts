// What the worker loop needs from a way of generating images.
import type { Task } from "./task-schema";

export type GenerateContext = {
  /** Aborted when the lease is lost or the worker is told to stop now; stop promptly. */
  signal: AbortSignal;
  /** Uploads one finished sample; call it once per task sample, in any order. */
  onSample: (index: number, png: Buffer) => Promise<void>;
  log: (line: string) => void;
};

export interface GenerationEngine {
  readonly name: "onnx" | "command" | "toy";
  /** One line for the startup log: model, execution provider, command. */
  readonly description: string;
  /** Generates every sample of `task`; throws with a message fit for the fail report. */
  generate(task: Task, ctx: GenerateContext): Promise<void>;
  close(): Promise<void>;
}
