// Regular expressions in filters are Go's (RE2). The common RE2-only forms are turned into their
// JavaScript equivalents; anything JavaScript cannot compile is refused, never matched loosely.

/** Compiles an RE2 pattern: leading `(?ims)` flags become RegExp flags, `(?P<name>` becomes `(?<name>`. */
export function goRegExp(pattern: string): RegExp {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1] as string) {
      if (f !== 'i' && f !== 'm' && f !== 's') throw new Error(`invalid or unsupported Perl syntax: \`(?${f}\``);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  return new RegExp(body.replace(/\(\?P</g, '(?<'), flags);
}
