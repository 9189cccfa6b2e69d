// The database schema, one file per table.
export * from "./api-keys";
export * from "./audit-log";
export * from "./embeddings";
export * from "./evaluators";
export * from "./generation-tasks";
export * from "./generations";
export * from "./images";
export * from "./jobs";
export * from "./prompt-scores";
export * from "./prompt-sets";
export * from "./prompts";
export * from "./run-scores";
export * from "./runs";
export * from "./sample-scores";
export * from "./samples";
export * from "./variants";
export * from "./worker-tokens";
