// `docker commit --change` / `import --change`: Dockerfile instructions that edit an image's run
// config. Only the ones dockerd accepts there; anything else is refused with dockerd's message.
import { badRequest } from '../http/api-error.js';
import type { ImageRunConfig } from './image-types.js';
import { parseJsonForm } from '../builder/dockerfile/parse.js';

const COMMIT_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR'];

function unquote(s: string): string {
  return /^(["']).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

/** `k=v k2="v 2"` pairs (quotes kept together), or the legacy `k v with spaces` form. */
function keyValues(rest: string, instr: string): Array<[string, string]> {
  if (!/^[^\s=]+=/.test(rest)) {
    const m = /^(\S+)\s+(.*)$/s.exec(rest);
    if (!m) throw badRequest(`${instr} requires at least one argument`);
    return [[m[1]!, m[2]!.trim()]];
  }
  const out: Array<[string, string]> = [];
  for (const tok of rest.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
    const i = tok.indexOf('=');
    if (i <= 0) throw badRequest(`${instr} names can not be blank (in ${JSON.stringify(tok)})`);
    out.push([unquote(tok.slice(0, i)), unquote(tok.slice(i + 1))]);
  }
  return out;
}

/** Applies each change to a copy of `config`, in order. */
export function applyChanges(config: ImageRunConfig, changes: readonly string[]): ImageRunConfig {
  const c: ImageRunConfig = structuredClone(config);
  for (const raw of changes) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(\S+)\s*(.*)$/s.exec(line)!;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (!COMMIT_INSTRUCTIONS.includes(instr)) throw badRequest(`${m[1]} is not a valid change command`);
    switch (instr) {
      case 'CMD':
      case 'ENTRYPOINT': {
        const args = parseJsonForm(rest) ?? ['/bin/sh', '-c', rest];
        if (instr === 'CMD') c.Cmd = args;
        else {
          c.Entrypoint = rest === '' ? null : args;
          c.Cmd = null; // as the builder does: a new entrypoint drops the old default arguments
        }
        break;
      }
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of keyValues(rest, 'ENV')) {
          const i = env.findIndex((e) => e.split('=', 1)[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL':
        c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues(rest, 'LABEL')) };
        break;
      case 'EXPOSE': {
        const ports = { ...(c.ExposedPorts ?? {}) };
        for (const p of rest.split(/\s+/).filter(Boolean)) {
          const pm = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
          if (!pm) throw badRequest(`Invalid containerPort: ${p}`);
          const [lo, hi] = [Number(pm[1]), Number(pm[2] ?? pm[1])];
          for (let port = lo; port <= hi; port++) ports[`${port}/${(pm[3] ?? 'tcp').toLowerCase()}`] = {};
        }
        c.ExposedPorts = ports;
        break;
      }
      case 'USER':
        if (rest === '') throw badRequest('USER requires exactly one argument');
        c.User = rest;
        break;
      case 'WORKDIR': {
        if (rest === '') throw badRequest('WORKDIR requires exactly one argument');
        const base = c.WorkingDir || '/';
        c.WorkingDir = rest.startsWith('/') ? rest : `${base.replace(/\/$/, '')}/${rest}`;
        break;
      }
      case 'VOLUME': {
        const vols = { ...(c.Volumes ?? {}) };
        for (const v of parseJsonForm(rest) ?? rest.split(/\s+/).filter(Boolean)) vols[v] = {};
        c.Volumes = vols;
        break;
      }
      case 'ONBUILD':
        if (rest === '') throw badRequest('ONBUILD requires at least one argument');
        c.OnBuild = [...(c.OnBuild ?? []), rest];
        break;
    }
  }
  return c;
}
