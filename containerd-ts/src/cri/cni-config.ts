// Finding the CNI network configuration in the conf dir, the way libcni picks one: files ending in
// .conf, .conflist or .json, in name order; the first that parses names the pod network.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CniNetworkList {
  file: string;
  name: string;
  cniVersion: string;
  /** The plugin types, in chain order. */
  types: string[];
  /** The list as plugins receive it (a single-plugin .conf becomes a one-element list). */
  raw: Record<string, unknown>;
}

function asList(raw: Record<string, unknown>, file: string): CniNetworkList {
  const plugins = Array.isArray(raw['plugins']) ? (raw['plugins'] as unknown[]) : [raw];
  const types = plugins.map((p, i) => {
    const t = (p as Record<string, unknown> | null)?.['type'];
    if (typeof t !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(t)) throw new Error(`${file}: plugin ${i} has no valid "type"`);
    return t;
  });
  const name = raw['name'];
  if (typeof name !== 'string' || name === '') throw new Error(`${file}: no network "name"`);
  const cniVersion = typeof raw['cniVersion'] === 'string' ? raw['cniVersion'] : '0.4.0';
  return { file, name, cniVersion, types, raw };
}

/** The first usable network list in confDir, or why there is none (for Status's NetworkReady). */
export function loadCniNetwork(confDir: string, binDir: string): { network: CniNetworkList } | { error: string } {
  let names: string[];
  try {
    names = fs.readdirSync(confDir).filter((n) => /\.(conf|conflist|json)$/.test(n)).sort();
  } catch {
    return { error: `cni config dir ${confDir} does not exist` };
  }
  const problems: string[] = [];
  for (const n of names) {
    const file = path.join(confDir, n);
    try {
      const net = asList(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>, file);
      const missing = net.types.filter((t) => !fs.existsSync(path.join(binDir, t)));
      if (missing.length) throw new Error(`${file}: plugin ${missing.join(', ')} not found in ${binDir}`);
      return { network: net };
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { error: problems.length ? problems.join('; ') : `no network config found in ${confDir}` };
}
