// How the classic builder writes a step into the image's history (`created_by`), which is also what
// its cache compares: the shell with `#(nop)` and the instruction for steps that run nothing, the
// command (build args prefixed as `|N k=v`) for RUN. Go's %q and %v formats are reproduced here.

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(v: readonly string[]): string {
  return `[${v.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goList(v: readonly string[]): string {
  return `[${v.join(' ')}]`;
}

/** Go's time.Duration String() for a whole number of nanoseconds. */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, div] = rest < 1e3 ? ['ns', 1] : rest < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${neg ? '-' : ''}${trimFloat(rest / (div as number))}${unit}`;
  }
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = trimFloat(rest / 1e9);
  return `${neg ? '-' : ''}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function trimFloat(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(9)));
}

/** `/bin/sh -c #(nop) WORKDIR /app`: the form WORKDIR, COPY and ADD use (one space). */
export function nopInline(shell: readonly string[], comment: string): string {
  return [...shell, `#(nop) ${comment}`].join(' ');
}

/** RUN's entry: `|2 A=1 B=2 /bin/sh -c make` when build args are in effect. */
export function runCreatedBy(cmd: readonly string[], buildArgs: readonly string[]): string {
  return buildArgs.length ? [`|${buildArgs.length}`, ...buildArgs, ...cmd].join(' ') : cmd.join(' ');
}

export interface HealthConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

/** `HEALTHCHECK &{["CMD-SHELL" "x"] "5s" "0s" "0s" '\x03'}`: Go's %q of the struct pointer. */
export function healthcheckComment(h: HealthConfig): string {
  const r = h.Retries ?? 0;
  const rune = r >= 0x20 && r < 0x7f ? String.fromCharCode(r).replace(/['\\]/g, '\\$&') : `\\x${r.toString(16).padStart(2, '0')}`;
  return `HEALTHCHECK &{${goQuoteList(h.Test)} "${goDurationString(h.Interval ?? 0)}" "${goDurationString(h.Timeout ?? 0)}" "${goDurationString(h.StartPeriod ?? 0)}" '${rune}'}`;
}
