// Per-blob progress for pull, push and import: bars on a terminal (cli-progress), one line per
// status change otherwise (logs, tests, pipes).
import type cliProgress from 'cli-progress';
import type { Progress } from '@stack/proto/gen/stack/services/transfer/v1/transfer_pb';
import { bytes } from './common.js';

export interface ProgressView {
  update(p: Progress): void;
  stop(): void;
}

function short(id: string): string {
  return id.startsWith('sha256:') ? id.slice(0, 19) : id;
}

function lineView(write: (s: string) => void): ProgressView {
  const last = new Map<string, string>();
  return {
    update(p) {
      if (last.get(p.id) === p.status) return;
      last.set(p.id, p.status);
      const size = p.total > 0n ? ` ${bytes(p.total)}` : '';
      write(`${short(p.id)}: ${p.status}${p.status === 'downloading' || p.status === 'uploading' ? '' : size}${p.message ? ` ${p.message}` : ''}\n`);
    },
    stop() {},
  };
}

function barView(): ProgressView {
  // Loaded only for terminals: pipes and logs never pay for it.
  const cliProgress = require('cli-progress') as typeof import('cli-progress');
  const multi = new cliProgress.MultiBar(
    { format: '{id} |{bar}| {status} {value}/{total}', hideCursor: true, clearOnComplete: false, stopOnComplete: false, formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? bytes(v) : String(v)) },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(p) {
      if (p.total === 0n && !p.id.startsWith('sha256:')) {
        multi.log(`${p.id}: ${p.status}\n`);
        return;
      }
      let bar = bars.get(p.id);
      const total = Number(p.total);
      const value = p.status === 'downloaded' || p.status === 'exists' || p.status === 'uploaded' || p.status === 'unpacked' || p.status === 'unpacking' ? total : Number(p.offset);
      if (!bar) {
        bar = multi.create(total, value, { id: short(p.id), status: p.status });
        bars.set(p.id, bar);
      } else {
        bar.setTotal(total);
        bar.update(value, { status: p.status });
      }
    },
    stop() {
      multi.stop();
    },
  };
}

export function progressView(plain: boolean): ProgressView {
  return !plain && process.stderr.isTTY ? barView() : lineView((s) => process.stderr.write(s));
}
