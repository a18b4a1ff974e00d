// A seccomp filter in two halves, because of fork: the parent builds the whole program (libseccomp's
// filter, exported as BPF, behind runc's ENOSYS stub), so a bad profile fails `create` before any
// process exists; the forked child, which must stay synchronous, only hands it to seccomp(2).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import type { SeccompConfig } from '../spec/config.js';
import { SyscallError } from '../syscalls/syscall-error.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { BPF_MAXINSNS, decodeProgram, encodeProgram } from './bpf.js';
import { auditArchOf, enosysStub, type LastSyscalls } from './enosys-stub.js';
import { type FilterPlan, planFilter } from './filter-plan.js';
import { type FilterContext, type Libseccomp, libseccomp } from './libseccomp.js';
import { NR_SCMP_ERROR, SCMP_FLTATR } from './libseccomp-constants.js';
import { SeccompError } from './seccomp-error.js';

export interface PreparedSeccomp {
  /**
   * In the forked child: installs the filter (seccomp(2)). Returns the notify listener fd when a
   * rule uses SCMP_ACT_NOTIFY, else -1. Throws SyscallError.
   */
  load(sys: Syscalls): number;
  /** linux.seccomp.listenerPath, where the listener fd goes (undefined: not set). */
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  /** Nothing to free: the program is plain memory. Kept for callers that release what they prepare. */
  release(): void;
}

const EEXIST = 17;
/** runc's threshold for libseccomp's binary-tree layout (2.5.x misbehaves with it on an empty filter). */
const BINARY_TREE_MIN_RULES = 32;
/** seccomp_api_get() level with user notification (libseccomp >= 2.5, Linux >= 5.7). */
const NOTIFY_API_LEVEL = 6;

function errnoText(rc: number): string {
  const [code, text] = getSystemErrorMap().get(rc) ?? [`E${-rc}`, `errno ${-rc}`];
  return `${code}: ${text}`;
}

/** libseccomp's filter as BPF instructions (seccomp_export_bpf writes them to an fd: an unlinked temp file). */
function exportProgram(lib: Libseccomp, ctx: FilterContext): Buffer {
  const file = path.join(os.tmpdir(), `runc-ts-bpf-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fd = fs.openSync(file, 'wx+', 0o600);
  try {
    fs.unlinkSync(file);
    const rc = lib.exportBpf(ctx, fd);
    if (rc < 0) throw new SeccompError(`linux.seccomp: cannot export the filter: ${errnoText(rc)}`);
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The highest syscall number the profile names, per listed architecture (runc's findLastSyscalls):
 * names of every rule count, even rules the filter leaves out; the native arch counts only if listed.
 */
function lastSyscalls(lib: Libseccomp, config: SeccompConfig, plan: FilterPlan, warn: (m: string) => void): LastSyscalls {
  const last: LastSyscalls = new Map();
  plan.architectures.forEach((a, i) => {
    const token = lib.archResolveName(a.name);
    const audit = auditArchOf(token);
    const byToken = last.get(audit) ?? new Map<number, number>();
    last.set(audit, byToken);
    if (byToken.has(token)) return;
    let largest = 0;
    for (const name of plan.names) largest = Math.max(largest, lib.resolveNameArch(token, name));
    if (largest > 0) byToken.set(token, largest);
    else warn(`seccomp: could not find any syscalls for arch ${config.architectures[i]}`);
  });
  return last;
}

/**
 * Validates `config` and builds its program, ready to load after fork. A syscall name libseccomp
 * knows only on architectures outside the filter is skipped, as runc does, and reported through
 * `warn`; a name it does not know at all is skipped too (runc's rule), reported through `notice`.
 */
export function prepareSeccomp(config: SeccompConfig, warn: (message: string) => void, notice: (message: string) => void = warn): PreparedSeccomp {
  const plan = planFilter(config);
  const lib = libseccomp();
  const api = lib.apiLevel();
  if (plan.notify && api < NOTIFY_API_LEVEL) {
    throw new SeccompError(`seccomp notify unsupported: API level: got ${api}, want at least ${NOTIFY_API_LEVEL}. Please try with libseccomp >= 2.5.0 and Linux >= 5.7`);
  }
  if (plan.notify && config.listenerPath === undefined) throw new SeccompError('listenerPath is not set');
  const ctx: FilterContext | null = lib.init(plan.defaultAction);
  if (ctx === null) throw new SeccompError('linux.seccomp.defaultAction: libseccomp refused the default action');
  let program: Buffer;
  try {
    const set = (attr: number, value: number, what: string) => {
      const rc = lib.attrSet(ctx, attr, value);
      if (rc < 0) throw new SeccompError(`linux.seccomp: cannot set ${what}: ${errnoText(rc)}`);
    };
    const tokens = [lib.archNative()];
    for (const a of plan.architectures) {
      const token = lib.archResolveName(a.name);
      if (token === 0) throw new SeccompError(`${a.where}: architecture ${a.name} is not supported by this libseccomp`);
      const rc = lib.archAdd(ctx, token);
      if (rc < 0 && rc !== -EEXIST) throw new SeccompError(`${a.where}: cannot add architecture ${a.name}: ${errnoText(rc)}`);
      if (!tokens.includes(token)) tokens.push(token);
    }

    let added = 0;
    const unknown = new Set<string>();
    for (const s of plan.syscalls) {
      const nr = lib.resolveName(s.name);
      if (nr === NR_SCMP_ERROR) {
        // As runc: a name this libseccomp does not know (newer than the library) is skipped, not fatal,
        // so newer profiles still run; said once per name on stderr rather than in a debug log.
        if (!unknown.has(s.name)) notice(`seccomp: ${s.where}: unknown syscall ${JSON.stringify(s.name)} ignored (not known to this libseccomp)`);
        unknown.add(s.name);
        continue;
      }
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
    const filter = decodeProgram(exportProgram(lib, ctx));
    const stub = plan.enosysStub ? enosysStub(lastSyscalls(lib, config, plan, warn)) : [];
    const whole = [...stub, ...filter];
    if (whole.length > BPF_MAXINSNS) throw new SeccompError(`linux.seccomp: the filter has ${whole.length} instructions, more than the kernel's ${BPF_MAXINSNS}`);
    program = encodeProgram(whole);
  } finally {
    lib.release(ctx);
  }
  const flags = plan.flags;
  return {
    load(sys) {
      try {
        return sys.seccompSetFilter(flags, program);
      } catch (err) {
        if (err instanceof SyscallError) throw new SyscallError('seccomp', err.errno, '(loading the seccomp filter into the kernel)');
        throw err;
      }
    },
    ...(config.listenerPath !== undefined ? { listenerPath: config.listenerPath } : {}),
    ...(config.listenerMetadata !== undefined ? { listenerMetadata: config.listenerMetadata } : {}),
    release() {},
  };
}
