// Upload ingestion: request bodies → validated images staged on disk (see ingest-multipart.ts).
export { ingestMultipart, type IngestOptions } from "./ingest-multipart";
export { ingestJsonImages, jsonImagesSchema, jsonImageItemSchema, type JsonImages } from "./ingest-json-images";
export { uploadLimits, resolveLimits, type UploadLimits } from "./limits";
export type { StagedItem, StagedUpload, FileProblem, FileProblemCode, EntryViolation, ImageFormat } from "./types";
export type { ImagesRefusedDetails } from "./verify-images";
