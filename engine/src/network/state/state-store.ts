// The networking state: one JSON document, rewritten atomically on every change. Small (a record
// per network and per running container), and one file makes a change that touches several
// records (an attach to two networks) all-or-nothing. Changes are serialized by a mutex that
// every public operation of the manager holds for its whole duration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { emptyState, type NetworkStateData } from './records.js';

export class StateStore {
  readonly file: string;
  data: NetworkStateData;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'network-state.json');
    this.data = load(this.file);
  }

  save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 1)}\n`);
  }
}

function load(file: string): NetworkStateData {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const data = JSON.parse(text) as Partial<NetworkStateData>;
  if (data.version !== 1 || typeof data.networks !== 'object' || typeof data.sandboxes !== 'object') {
    throw new Error(`${file}: not a network state file of version 1`);
  }
  return data as NetworkStateData;
}

/** Runs async operations one at a time, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
