// containerd-ts transfer progress → Docker's JSON-lines pull/push messages (the shape docker's
// jsonmessage renderer and our CLI's progress bars read).
import { humanSize } from '../../common/human-size.js';

export interface JsonMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: unknown;
  stream?: string;
  error?: string;
  errorDetail?: { message: string };
}

export function progressBar(current: number, total: number): string {
  if (total <= 0) return `${humanSize(current)}`;
  const width = 50;
  const filled = Math.min(width, Math.floor((current / total) * width));
  const bar = filled >= width ? '='.repeat(width) + '>' : `${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}`;
  return `[${bar.slice(0, width + 1)}]  ${humanSize(current)}/${humanSize(total)}`;
}

export const shortId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

export function isLayer(mediaType: string): boolean {
  return /layer|diff\.tar/.test(mediaType) && !/config|manifest|index/.test(mediaType);
}

export function errorMessage(message: string): JsonMessage {
  return { errorDetail: { message }, error: message };
}
