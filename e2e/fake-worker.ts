// A stand-in for a GPU worker (docs/reference/worker-protocol.md) for the e2e tests: it claims tasks over
// HTTP and "generates" each sample by drawing a shape procedurally from the sample's seed.
import { expect, type APIRequestContext } from "@playwright/test";
import { drawShapePng, SHAPES } from "../tools/fixtures/draw-shape";
import { workerAuth } from "./helpers";

export type { Task } from "../lib/generation/worker-client/task-schema";
import type { Task } from "../lib/generation/worker-client/task-schema";

/** The sample a deterministic "model" makes for one seed: the same seed gives the same bytes. */
export function drawSample(task: Task, seed: number): Promise<Buffer> {
  const shape = SHAPES[task.prompt.id.length % SHAPES.length]!;
  return drawShapePng({
    shape,
    color: task.guidanceScale > 2 ? "red" : "blue",
    seed,
    size: task.width,
    spread: 1 / task.guidanceScale,
  });
}

export async function claim(request: APIRequestContext, variants: string[], waitSeconds = 2): Promise<Task | null> {
  const res = await request.post("/api/v1/worker/claim", { data: { variants, waitSeconds }, headers: workerAuth() });
  if (res.status() === 204) return null;
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { task: Task }).task;
}

export function putSample(
  request: APIRequestContext,
  taskId: string,
  index: number,
  png: Buffer,
  headers: Record<string, string> = workerAuth(),
) {
  return request.put(`/api/v1/worker/tasks/${taskId}/samples/${index}`, {
    data: png,
    headers: { ...headers, "Content-Type": "image/png" },
  });
}

/** Claims and finishes every task of `variants` until none is left. Returns the tasks it did. */
export async function workUntilIdle(request: APIRequestContext, variants: string[]): Promise<Task[]> {
  const done: Task[] = [];
  for (let task = await claim(request, variants, 1); task; task = await claim(request, variants, 1)) {
    for (const s of task.samples) {
      const res = await putSample(request, task.id, s.index, await drawSample(task, s.seed));
      expect(res.status(), await res.text()).toBe(201);
    }
    const completed = await request.post(`/api/v1/worker/tasks/${task.id}/complete`, { headers: workerAuth() });
    expect(completed.status(), await completed.text()).toBe(200);
    done.push(task);
  }
  return done;
}
