// A seccomp filter in two halves, because of fork: the parent builds the whole libseccomp context
// (so a bad profile fails `create` before any process exists), and the forked child, which must
// stay synchronous, only loads it. The context is C memory; fork gives the child its own copy.
import { getSystemErrorMap } from 'node:util';
import type { SeccompConfig } from '../spec/config.js';
import { SyscallError } from '../syscalls/syscall-error.js';
import { planFilter } from './filter-plan.js';
import { type FilterContext, libseccomp } from './libseccomp.js';
import { NR_SCMP_ERROR, SCMP_FLTATR } from './libseccomp-constants.js';
import { SeccompError } from './seccomp-error.js';

export interface PreparedSeccomp {
  /** In the forked child: installs the filter in the kernel (seccomp_load). Throws SyscallError. */
  load(): void;
  /** In the parent: frees the context. The child's copy is not affected. */
  release(): void;
}

const EEXIST = 17;
/** runc's threshold for libseccomp's binary-tree layout (2.5.x misbehaves with it on an empty filter). */
const BINARY_TREE_MIN_RULES = 32;

function errnoText(rc: number): string {
  const [code, text] = getSystemErrorMap().get(rc) ?? [`E${-rc}`, `errno ${-rc}`];
  return `${code}: ${text}`;
}

/**
 * Validates `config` and builds its filter, ready to load after fork. A syscall name libseccomp knows
 * only on architectures outside the filter is skipped, as runc does, and reported through `warn`.
 */
export function prepareSeccomp(config: SeccompConfig, warn: (message: string) => void): PreparedSeccomp {
  const plan = planFilter(config);
  const lib = libseccomp();
  lib.apiLevel(); // probe the kernel here, once, rather than in the child
  const ctx: FilterContext | null = lib.init(plan.defaultAction);
  if (ctx === null) throw new SeccompError('linux.seccomp.defaultAction: libseccomp refused the default action');
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    lib.release(ctx);
  };
  const set = (attr: number, value: number, what: string) => {
    const rc = lib.attrSet(ctx, attr, value);
    if (rc < 0) throw new SeccompError(`linux.seccomp: cannot set ${what}: ${errnoText(rc)}`);
  };
  try {
    // runc-ts sets no_new_privs itself when the spec asks; libseccomp would set it on every load.
    set(SCMP_FLTATR.CTL_NNP, 0, 'no_new_privs off');
    // Report the kernel's own errno from seccomp_load (EACCES, EINVAL…), not libseccomp's ECANCELED.
    set(SCMP_FLTATR.API_SYSRAWRC, 1, 'raw return codes');
    for (const attr of plan.flagAttributes) set(attr, 1, `flag attribute ${attr}`);

    const tokens = [lib.archNative()];
    for (const a of plan.architectures) {
      const token = lib.archResolveName(a.name);
      if (token === 0) throw new SeccompError(`${a.where}: architecture ${a.name} is not supported by this libseccomp`);
      const rc = lib.archAdd(ctx, token);
      if (rc < 0 && rc !== -EEXIST) throw new SeccompError(`${a.where}: cannot add architecture ${a.name}: ${errnoText(rc)}`);
      if (!tokens.includes(token)) tokens.push(token);
    }

    let added = 0;
    for (const s of plan.syscalls) {
      const nr = lib.resolveName(s.name);
      if (nr === NR_SCMP_ERROR) throw new SeccompError(`${s.where}: unknown syscall ${JSON.stringify(s.name)}`);
      // A pseudo number (< -1): known, but not natively; it may still exist on an added architecture.
      if (nr < 0 && tokens.every((t) => lib.resolveNameArch(t, s.name) < 0)) {
        warn(`seccomp: ${s.where}: syscall ${JSON.stringify(s.name)} does not exist on this architecture; rule skipped`);
        continue;
      }
      for (const conditions of s.rules) {
        const rc = lib.ruleAdd(ctx, s.action, nr, conditions);
        if (rc < 0) throw new SeccompError(`${s.where}: cannot add a rule for ${JSON.stringify(s.name)}: ${errnoText(rc)}`);
        added++;
      }
    }
    if (added > BINARY_TREE_MIN_RULES) set(SCMP_FLTATR.CTL_OPTIMIZE, 2, 'binary tree optimization');
  } catch (err) {
    release();
    throw err;
  }
  return {
    load() {
      const rc = lib.load(ctx);
      if (rc < 0) throw new SyscallError('seccomp_load', -rc, '(installing the seccomp filter)');
    },
    release,
  };
}
