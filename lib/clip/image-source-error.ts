// The one error an image loader (ClipEvaluator.embedImages' ImageSource) throws when the bytes
// could not be fetched for a reason that is not the image's: the server or object store it comes
// from could not be reached. The batch fails instead of recording a per-sample error, so the
// scoring job is retried rather than the sample marked unreadable for good. Its own file so that
// storage code can throw it without loading onnxruntime.
export class ImageSourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageSourceUnavailableError";
  }
}
