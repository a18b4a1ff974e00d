// Debian's libseccomp (libseccomp.so.2) through koffi, loaded on first use: only containers with a
// seccomp profile (and `features`) pay for it. Every function is declared here, in the parent, so
// the forked child, which only loads the finished program with seccomp(2), needs none of them.
import { koffi } from '../syscalls/linux.js';
import { SeccompError } from './seccomp-error.js';

/** A filter context (scmp_filter_ctx): C memory, which fork copies into the child. */
export type FilterContext = unknown;

/** One argument comparison (struct scmp_arg_cmp: unsigned int, enum, uint64_t, uint64_t — 24 bytes). */
export interface ArgCompare {
  arg: number;
  op: number;
  datum_a: bigint;
  datum_b: bigint;
}

export interface Libseccomp {
  /** seccomp_api_get(): probes the kernel once and caches the answer. */
  apiLevel(): number;
  init(defaultAction: number): FilterContext | null;
  release(ctx: FilterContext): void;
  /** 0 when libseccomp does not know the architecture name. */
  archResolveName(name: string): number;
  archNative(): number;
  /** 0, or -EEXIST when the architecture is already in the filter, or another -errno. */
  archAdd(ctx: FilterContext, token: number): number;
  attrSet(ctx: FilterContext, attr: number, value: number): number;
  /** Native syscall number; a pseudo number (< -1) when known only elsewhere; -1 when unknown. */
  resolveName(name: string): number;
  resolveNameArch(token: number, name: string): number;
  ruleAdd(ctx: FilterContext, action: number, syscall: number, conditions: ArgCompare[]): number;
  /** Writes the filter as BPF (struct sock_filter[]) to fd; 0 or -errno. */
  exportBpf(ctx: FilterContext, fd: number): number;
}

let lib: Libseccomp | undefined;

/** libseccomp's functions; throws one line naming the library when it cannot be loaded. */
export function libseccomp(): Libseccomp {
  if (lib) return lib;
  const k = koffi();
  let so: ReturnType<typeof k.load>;
  try {
    so = k.load('libseccomp.so.2');
  } catch (err) {
    throw new SeccompError(`seccomp: cannot load libseccomp.so.2 (Debian package libseccomp2): ${(err as Error).message}`);
  }
  // koffi's type names are process-wide: declare them once, with this module.
  k.pointer('scmp_filter_ctx', k.opaque());
  k.struct('scmp_arg_cmp', { arg: 'unsigned int', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
  const f = (proto: string) => so.func(proto) as (...args: unknown[]) => unknown;
  const apiGet = f('unsigned int seccomp_api_get(void)');
  const init = f('scmp_filter_ctx seccomp_init(uint32_t def_action)');
  const release = f('void seccomp_release(scmp_filter_ctx ctx)');
  const archResolve = f('uint32_t seccomp_arch_resolve_name(const char *name)');
  const archNative = f('uint32_t seccomp_arch_native(void)');
  const archAdd = f('int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t token)');
  const attrSet = f('int seccomp_attr_set(scmp_filter_ctx ctx, int attr, uint32_t value)');
  const resolve = f('int seccomp_syscall_resolve_name(const char *name)');
  const resolveArch = f('int seccomp_syscall_resolve_name_arch(uint32_t token, const char *name)');
  const ruleAdd = f('int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int n, const scmp_arg_cmp *args)');
  const exportBpf = f('int seccomp_export_bpf(scmp_filter_ctx ctx, int fd)');
  lib = {
    apiLevel: () => Number(apiGet()),
    init: (action) => init(action) ?? null,
    release: (ctx) => void release(ctx),
    archResolveName: (name) => Number(archResolve(name)),
    archNative: () => Number(archNative()),
    archAdd: (ctx, token) => Number(archAdd(ctx, token)),
    attrSet: (ctx, attr, value) => Number(attrSet(ctx, attr, value)),
    resolveName: (name) => Number(resolve(name)),
    resolveNameArch: (token, name) => Number(resolveArch(token, name)),
    ruleAdd: (ctx, action, syscall, conditions) => Number(ruleAdd(ctx, action, syscall, conditions.length, conditions.length ? conditions : null)),
    exportBpf: (ctx, fd) => Number(exportBpf(ctx, fd)),
  };
  return lib;
}
