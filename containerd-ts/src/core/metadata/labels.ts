// Label validation and field-mask updates shared by every store (containerd's rules: a key and its
// value together at most 4096 bytes; `labels.KEY` paths set or, with an empty value, remove one key).
import { invalidArgument } from '../errdefs.js';

const MAX_LABEL = 4096;

export function validateLabels(labels: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') throw invalidArgument('label key must not be empty');
    if (Buffer.byteLength(k) + Buffer.byteLength(v) > MAX_LABEL) throw invalidArgument(`label ${JSON.stringify(k.slice(0, 64))}: key and value longer than ${MAX_LABEL} bytes`);
  }
  return labels;
}

/**
 * Applies the label part of an update: `labels` replaces all, `labels.KEY` sets (or, when the new
 * value is empty or missing, deletes) one key. Returns the paths it did not handle.
 */
export function applyLabelPaths(current: Record<string, string>, next: Record<string, string>, paths: readonly string[]): { labels: Record<string, string>; rest: string[] } {
  const labels = { ...current };
  const rest: string[] = [];
  for (const p of paths) {
    if (p === 'labels') {
      for (const k of Object.keys(labels)) delete labels[k];
      Object.assign(labels, next);
    } else if (p.startsWith('labels.')) {
      const k = p.slice('labels.'.length);
      const v = next[k];
      if (v === undefined || v === '') delete labels[k];
      else labels[k] = v;
    } else {
      rest.push(p);
    }
  }
  return { labels: validateLabels(labels), rest };
}

/** Drops labels with empty values (containerd treats them as absent). */
export function compactLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== '') out[k] = v;
  return out;
}
