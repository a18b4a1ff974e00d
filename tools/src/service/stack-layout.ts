// Where an installed stack keeps its sockets, pid files, logs and seed images: the product's paths
// by default, or those an install under another root wrote to its stack.json (tests install into
// a throwaway root, so nothing of the machine's own stack is touched).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StackLayout {
  containerdSocket: string;
  containerdPidFile: string;
  /** Extra containerd-ts flags (its state paths when they are not the defaults). */
  containerdArgs: string[];
  engineSocket: string;
  enginePidFile: string;
  /** Extra engined flags (config file and state paths when they are not the defaults). */
  engineArgs: string[];
  logDir: string;
  /** Image archives (`docker save` format) loaded at start when engined lacks their tag. */
  seedImages: Array<{ tag: string; archive: string }>;
}

export const DEFAULT_LAYOUT_FILE = '/usr/local/lib/container-stack/stack.json';

/** The layout of an install whose state lives under `stateRoot` ('/' for the product's own paths). */
export function layoutFor(stateRoot: string, seedImages: StackLayout['seedImages'] = []): StackLayout {
  const at = (p: string) => path.join(stateRoot, p);
  const custom = path.resolve(stateRoot) !== '/';
  const containerdState = at('/run/containerd-ts');
  const engineExecRoot = at('/run/engine');
  const engineSocket = path.join(engineExecRoot, 'engine.sock');
  return {
    containerdSocket: path.join(containerdState, 'containerd-ts.sock'),
    containerdPidFile: path.join(containerdState, 'containerd-ts.pid'),
    containerdArgs: custom ? ['--root', at('/var/lib/containerd-ts'), '--state', containerdState] : [],
    engineSocket,
    enginePidFile: path.join(engineExecRoot, 'engined.pid'),
    engineArgs: custom
      ? ['--config-file', at('/etc/engine/daemon.json'), '--data-root', at('/var/lib/engine'), '--exec-root', engineExecRoot, '-H', `unix://${engineSocket}`, '--containerd', path.join(containerdState, 'containerd-ts.sock')]
      : [],
    logDir: at('/var/log/stack'),
    seedImages,
  };
}

/** Reads a stack.json (absent: the product's paths with no seed images). */
export function readLayout(file: string): StackLayout {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return layoutFor('/');
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const raw = JSON.parse(text) as Partial<StackLayout>;
  const defaults = layoutFor('/');
  const layout = { ...defaults, ...raw };
  for (const key of ['containerdSocket', 'containerdPidFile', 'engineSocket', 'enginePidFile', 'logDir'] as const) {
    if (typeof layout[key] !== 'string' || !path.isAbsolute(layout[key])) throw new Error(`${file}: ${key} must be an absolute path`);
  }
  for (const key of ['containerdArgs', 'engineArgs'] as const) {
    if (!Array.isArray(layout[key]) || !layout[key].every((a) => typeof a === 'string')) throw new Error(`${file}: ${key} must be a list of strings`);
  }
  if (!Array.isArray(layout.seedImages) || !layout.seedImages.every((s) => typeof s?.tag === 'string' && typeof s.archive === 'string' && path.isAbsolute(s.archive))) {
    throw new Error(`${file}: seedImages must be a list of {tag, archive} with absolute archive paths`);
  }
  return layout;
}
