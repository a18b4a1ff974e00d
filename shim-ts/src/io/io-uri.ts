// Where a process's stdio goes, as containerd's clients write it in Create and Exec: a FIFO path
// (ctr), file:///path, or our jsonlog:///path?max-size=…&max-file=… (the engine's container log);
// stdin may also be "attach:" (only attached clients feed it, as docker run -i).
export type IoTarget =
  | { kind: 'none' }
  | { kind: 'fifo'; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'jsonlog'; path: string; maxSize: number; maxFiles: number }
  | { kind: 'attach' };

const SIZE = /^(\d+)([kmg]?)$/i;

export function parseSize(v: string): number {
  const m = SIZE.exec(v.trim());
  if (!m) throw new Error(`invalid size ${JSON.stringify(v)}: expected bytes such as 10m`);
  return Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

export function parseIoUri(uri: string): IoTarget {
  if (!uri) return { kind: 'none' };
  if (uri === 'attach:') return { kind: 'attach' };
  if (uri.startsWith('/')) return { kind: 'fifo', path: uri };
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new Error(`invalid stdio ${JSON.stringify(uri)}: expected a FIFO path, file:///…, or jsonlog:///…`);
  }
  const p = decodeURIComponent(u.pathname);
  switch (u.protocol) {
    case 'fifo:':
      return { kind: 'fifo', path: p };
    case 'file:':
      return { kind: 'file', path: p };
    case 'jsonlog:': {
      const maxSize = u.searchParams.get('max-size');
      const maxFile = u.searchParams.get('max-file');
      return { kind: 'jsonlog', path: p, maxSize: maxSize ? parseSize(maxSize) : 0, maxFiles: maxFile ? Math.max(1, Number(maxFile)) : 1 };
    }
    default:
      throw new Error(`unsupported stdio scheme ${u.protocol} in ${JSON.stringify(uri)}`);
  }
}
