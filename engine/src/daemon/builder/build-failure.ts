// What a build reports: its step stream, and the failure that ends it (the message dockerd would
// send as errorDetail; `code` is a failed RUN's exit status, which docker's client exits with).
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface BuildOutput {
  stream(text: string): void;
  status(m: { status: string; id?: string }): void;
}
