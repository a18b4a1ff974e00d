// containerd-ts transfer progress → Docker's JSON-lines pull/push messages (the shape docker's
// jsonmessage renderer and our CLI's progress bars read).
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

/** Decimal units, as Docker's HumanSize. */
export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(2).replace(/\.?0+$/, '') : v < 100 && i > 0 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)}${units[i]}`;
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
