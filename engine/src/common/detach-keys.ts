// Detach key sequences (--detach-keys "ctrl-p,ctrl-q"), and a scanner that holds back a partial
// match and reports when the whole sequence was typed.
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export function parseDetachKeys(spec: string): number[] {
  if (spec === '') return [];
  return spec.split(',').map((k) => {
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(k);
    if (!m) throw new Error(`Invalid detach keys (${spec}) provided`);
    const c = m[1]!;
    if (/[a-z]/i.test(c)) return c.toLowerCase().charCodeAt(0) - 96;
    const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };
    const v = special[c];
    if (v === undefined) throw new Error(`Invalid detach keys (${spec}) provided`);
    return v;
  });
}

export class DetachScanner {
  private matched = 0;

  constructor(private readonly keys: readonly number[]) {}

  /** The bytes to pass on, and whether the sequence completed (bytes after it are dropped). */
  scan(chunk: Buffer): { pass: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { pass: chunk, detach: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { pass: Buffer.from(out), detach: true };
        continue;
      }
      if (this.matched > 0) {
        out.push(...this.keys.slice(0, this.matched));
        this.matched = 0;
        if (b === this.keys[0]) {
          this.matched = 1;
          continue;
        }
      }
      out.push(b);
    }
    return { pass: Buffer.from(out), detach: false };
  }
}
