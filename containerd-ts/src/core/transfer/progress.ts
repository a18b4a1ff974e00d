// Progress reports of transfers (pull, push, import), streamed to thin clients per blob.
import type { Descriptor } from '../images/manifest.js';

export type ProgressStatus =
  | 'resolving'
  | 'resolved'
  | 'waiting'
  | 'downloading'
  | 'downloaded'
  | 'exists'
  | 'unpacking'
  | 'unpacked'
  | 'uploading'
  | 'uploaded'
  | 'importing'
  | 'done';

export interface Progress {
  id: string;
  status: ProgressStatus;
  mediaType?: string;
  offset?: number;
  total?: number;
  imageName?: string;
  target?: Descriptor;
  message?: string;
}

export type ProgressSink = (p: Progress) => void;

/** Limits `downloading` reports per blob to one per interval (the last one always goes out). */
export function throttled(sink: ProgressSink, intervalMs = 100): ProgressSink {
  const last = new Map<string, number>();
  return (p) => {
    if (p.status === 'downloading' || p.status === 'uploading') {
      const now = Date.now();
      const prev = last.get(p.id) ?? 0;
      if (now - prev < intervalMs && p.offset !== p.total) return;
      last.set(p.id, now);
    }
    sink(p);
  };
}
