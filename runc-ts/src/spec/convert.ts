// Validates a config.json and converts it into a ContainerConfig with every default applied.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAPABILITIES, MS, RLIMITS } from '../syscalls/constants.js';
import { ConfigError } from './config-error.js';
import {
  type BlockIOConfig,
  type CapabilitySets,
  type ContainerConfig,
  type DeviceConfig,
  type DeviceRule,
  type HookConfig,
  type HooksConfig,
  type IdMap,
  type MountConfig,
  type NamespaceConfig,
  type NamespaceType,
  type ProcessConfig,
  type ResourcesConfig,
  type RlimitConfig,
  type SeccompConfig,
  THROTTLE_FIELDS,
  type WeightDevice,
} from './config.js';
import { parseMountOptions, parsePropagation } from './mount-options.js';
import { validateId } from '../state/container-id.js';
import type { Device, DeviceCgroup, Hook, IdMapping, Mount, Spec } from './types.js';

const NAMESPACE_TYPES: readonly NamespaceType[] = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'];

/** Device nodes every container gets (runc's default set), unless the spec defines the same path. */
export const DEFAULT_DEVICES: readonly DeviceConfig[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

/** Device cgroup rules appended after the spec's own (runc's AllowedDevices). */
export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  { allow: true, type: 'c', major: null, minor: null, access: 'm' },
  { allow: true, type: 'b', major: null, minor: null, access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 136, minor: null, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
];


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(msg: string): never {
  throw new ConfigError(msg);
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(`${where} must be a string`);
  return v;
}

function optStr(v: unknown, where: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, where);
}

function strArray(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`${where} must be an array of strings`);
  return v as string[];
}

function int(v: unknown, where: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(`${where} must be an integer${max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return v;
}

function optInt(v: unknown, where: string, min = -Infinity): number | undefined {
  return v === undefined || v === null ? undefined : int(v, where, min);
}

function bool(v: unknown, where: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(`${where} must be true or false`);
  return v;
}

function absolute(p: string, where: string): string {
  if (!path.isAbsolute(p)) fail(`${where} must be an absolute path, got ${JSON.stringify(p)}`);
  return path.posix.normalize(p);
}

/** Parses config.json text; a syntax error names the file and position. */
export function parseSpec(text: string, file = 'config.json'): Spec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new ConfigError('the top level must be a JSON object');
  return raw as Spec;
}

export function loadSpec(bundle: string): Spec {
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error(`cannot open ${file}: no such file (is --bundle the bundle directory?)`);
    throw new Error(`cannot read ${file}: ${e.message}`);
  }
  return parseSpec(text, file);
}

function capabilityList(v: unknown, where: string, supported: number): string[] {
  const names = strArray(v, where);
  const out: string[] = [];
  for (const name of names) {
    const n = CAPABILITIES[name.toUpperCase()];
    if (n === undefined) fail(`${where}: unknown capability ${JSON.stringify(name)}`);
    // Known to us but newer than the kernel: ignored, as runc does.
    if (n <= supported) out.push(name.toUpperCase());
  }
  return [...new Set(out)];
}

function capabilities(c: unknown, supported: number, where: string): CapabilitySets {
  const caps = isObject(c) ? c : {};
  return {
    bounding: capabilityList(caps.bounding, `${where}.capabilities.bounding`, supported),
    effective: capabilityList(caps.effective, `${where}.capabilities.effective`, supported),
    inheritable: capabilityList(caps.inheritable, `${where}.capabilities.inheritable`, supported),
    permitted: capabilityList(caps.permitted, `${where}.capabilities.permitted`, supported),
    ambient: capabilityList(caps.ambient, `${where}.capabilities.ambient`, supported),
  };
}

const U64_MAX = 18446744073709551615n;

function rlimitValue(v: unknown, where: string): string {
  if (typeof v !== 'number' || v < 0 || !Number.isFinite(v)) fail(`${where} must be a non-negative integer`);
  // 2^64-1 arrives as 1.8446744073709552e19; anything that large means unlimited.
  if (v >= 2 ** 63) return U64_MAX.toString();
  return BigInt(Math.trunc(v)).toString();
}

function rlimits(v: unknown, where: string): RlimitConfig[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${where}.rlimits must be an array`);
  const seen = new Set<string>();
  return v.map((r: unknown, i) => {
    if (!isObject(r)) fail(`${where}.rlimits[${i}] must be an object`);
    const name = str(r.type, `${where}.rlimits[${i}].type`);
    const resource = RLIMITS[name];
    if (resource === undefined) fail(`${where}.rlimits[${i}]: unknown rlimit type ${JSON.stringify(name)}`);
    if (seen.has(name)) fail(`${where}.rlimits: ${name} is given twice`);
    seen.add(name);
    const soft = rlimitValue(r.soft, `${where}.rlimits[${i}].soft`);
    const hard = rlimitValue(r.hard, `${where}.rlimits[${i}].hard`);
    if (BigInt(soft) > BigInt(hard)) fail(`${where}.rlimits: ${name} soft limit ${soft} exceeds hard limit ${hard}`);
    return { name, resource, soft, hard };
  });
}

function idMappings(v: unknown, where: string): IdMap[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${where} must be an array`);
  return v.map((m: IdMapping, i) => {
    if (!isObject(m)) fail(`${where}[${i}] must be an object`);
    return {
      containerID: int(m.containerID, `${where}[${i}].containerID`, 0),
      hostID: int(m.hostID, `${where}[${i}].hostID`, 0),
      size: int(m.size, `${where}[${i}].size`, 1),
    };
  });
}

function namespaces(v: unknown): NamespaceConfig[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('linux.namespaces must be an array');
  const seen = new Set<string>();
  return v.map((n: unknown, i) => {
    if (!isObject(n)) fail(`linux.namespaces[${i}] must be an object`);
    const type = str(n.type, `linux.namespaces[${i}].type`) as NamespaceType;
    if (!NAMESPACE_TYPES.includes(type)) fail(`linux.namespaces[${i}]: unknown namespace type ${JSON.stringify(type)}`);
    if (seen.has(type)) fail(`linux.namespaces: namespace type ${JSON.stringify(type)} is given twice`);
    seen.add(type);
    const p = optStr(n.path, `linux.namespaces[${i}].path`);
    if (p === undefined || p === '') return { type };
    absolute(p, `linux.namespaces[${i}].path`);
    if (!fs.existsSync(p)) fail(`linux.namespaces[${i}]: ${type} namespace path ${p} does not exist`);
    return { type, path: p };
  });
}

function mounts(v: unknown, bundle: string): MountConfig[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('mounts must be an array');
  return v.map((m: Mount, i) => {
    if (!isObject(m)) fail(`mounts[${i}] must be an object`);
    const destination = absolute(str(m.destination, `mounts[${i}].destination`), `mounts[${i}].destination`);
    const options = strArray(m.options, `mounts[${i}].options`);
    const parsed = parseMountOptions(options);
    let type = optStr(m.type, `mounts[${i}].type`) ?? '';
    const bind = type === 'bind' || (parsed.flags & MS.BIND) !== 0;
    if (bind) type = 'bind';
    if (!type) fail(`mounts[${i}] (${destination}): type is missing and options do not say bind`);
    let source = optStr(m.source, `mounts[${i}].source`) ?? '';
    if (bind) {
      if (!source) fail(`mounts[${i}] (${destination}): a bind mount needs a source`);
      source = path.resolve(bundle, source);
      if (!fs.existsSync(source)) fail(`mounts[${i}] (${destination}): bind source ${source} does not exist`);
    }
    const rec = parsed.recAttrSet || parsed.recAttrClr ? { recAttrSet: parsed.recAttrSet, recAttrClr: parsed.recAttrClr } : {};
    return { destination, source, type, bind, flags: parsed.flags, propagation: parsed.propagation, data: parsed.data, ...rec };
  });
}

function devices(v: unknown): DeviceConfig[] {
  const list: DeviceConfig[] = [];
  if (v !== undefined && v !== null) {
    if (!Array.isArray(v)) fail('linux.devices must be an array');
    v.forEach((d: Device, i) => {
      if (!isObject(d)) fail(`linux.devices[${i}] must be an object`);
      const type = str(d.type, `linux.devices[${i}].type`);
      if (!['c', 'b', 'u', 'p'].includes(type)) fail(`linux.devices[${i}]: unknown device type ${JSON.stringify(type)}`);
      const p = absolute(str(d.path, `linux.devices[${i}].path`), `linux.devices[${i}].path`);
      if (!p.startsWith('/dev/')) fail(`linux.devices[${i}]: ${p} is not under /dev`);
      list.push({
        path: p,
        type: type as DeviceConfig['type'],
        major: type === 'p' ? 0 : int(d.major, `linux.devices[${i}].major`, 0),
        minor: type === 'p' ? 0 : int(d.minor, `linux.devices[${i}].minor`, 0),
        fileMode: optInt(d.fileMode, `linux.devices[${i}].fileMode`, 0) ?? 0o666,
        uid: optInt(d.uid, `linux.devices[${i}].uid`, 0) ?? 0,
        gid: optInt(d.gid, `linux.devices[${i}].gid`, 0) ?? 0,
      });
    });
  }
  for (const d of DEFAULT_DEVICES) if (!list.some((x) => x.path === d.path)) list.push({ ...d });
  return list;
}

function deviceRules(v: unknown, specDevices: DeviceConfig[]): DeviceRule[] {
  const rules: DeviceRule[] = [];
  if (v !== undefined && v !== null) {
    if (!Array.isArray(v)) fail('linux.resources.devices must be an array');
    v.forEach((r: DeviceCgroup, i) => {
      if (!isObject(r)) fail(`linux.resources.devices[${i}] must be an object`);
      const type = (optStr(r.type, `linux.resources.devices[${i}].type`) ?? 'a') as DeviceRule['type'];
      if (!['a', 'c', 'b'].includes(type)) fail(`linux.resources.devices[${i}]: unknown type ${JSON.stringify(type)}`);
      const access = optStr(r.access, `linux.resources.devices[${i}].access`) ?? '';
      // runc refuses an empty or missing access (its words), rather than reading it as "rwm"
      if (access === '') fail(`linux.resources.devices[${i}]: device access at ${i} field cannot be empty`);
      if (!/^[rwm]+$/.test(access)) fail(`linux.resources.devices[${i}]: access must be made of r, w and m`);
      rules.push({
        allow: bool(r.allow, `linux.resources.devices[${i}].allow`),
        type,
        major: r.major === undefined || r.major === null || r.major === -1 ? null : int(r.major, `linux.resources.devices[${i}].major`, 0),
        minor: r.minor === undefined || r.minor === null || r.minor === -1 ? null : int(r.minor, `linux.resources.devices[${i}].minor`, 0),
        access,
      });
    });
  }
  for (const d of specDevices) {
    if (d.type === 'c' || d.type === 'b') rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: 'rwm' });
  }
  return [...rules, ...DEFAULT_DEVICE_RULES];
}

function deviceNumbers(d: Record<string, unknown>, where: string): { major: number; minor: number } {
  return { major: int(d.major, `${where}.major`, 0), minor: int(d.minor, `${where}.minor`, 0) };
}

/** linux.resources.blockIO; weights are 16-bit as in the spec (0 means unset, as runc reads it). */
function blockIOConfig(b: Record<string, unknown>): BlockIOConfig {
  const at = 'linux.resources.blockIO';
  const out: BlockIOConfig = {};
  const weight = (v: unknown, where: string) => (v === undefined || v === null ? undefined : int(v, where, 0, 65535));
  const w = weight(b.weight, `${at}.weight`);
  if (w) out.weight = w;
  const lw = weight(b.leafWeight, `${at}.leafWeight`);
  if (lw) out.leafWeight = lw;
  const list = (v: unknown, where: string): Record<string, unknown>[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(`${where} must be an array`);
    return v.map((d, i) => (isObject(d) ? d : fail(`${where}[${i}] must be an object`)));
  };
  const wd = list(b.weightDevice, `${at}.weightDevice`).map((d, i) => {
    const where = `${at}.weightDevice[${i}]`;
    const dev: WeightDevice = deviceNumbers(d, where);
    const dw = weight(d.weight, `${where}.weight`);
    if (dw !== undefined) dev.weight = dw;
    const dlw = weight(d.leafWeight, `${where}.leafWeight`);
    if (dlw !== undefined) dev.leafWeight = dlw;
    return dev;
  });
  if (wd.length) out.weightDevice = wd;
  for (const field of THROTTLE_FIELDS) {
    const devices = list(b[field], `${at}.${field}`).map((d, i) => ({ ...deviceNumbers(d, `${at}.${field}[${i}]`), rate: int(d.rate, `${at}.${field}[${i}].rate`, 0) }));
    if (devices.length) out[field] = devices;
  }
  return out;
}

function resources(r: unknown, specDevices: DeviceConfig[]): ResourcesConfig {
  const res = isObject(r) ? r : {};
  const out: ResourcesConfig = { devices: deviceRules(res.devices, specDevices) };
  if (isObject(res.memory)) {
    const m = res.memory;
    const mem: NonNullable<ResourcesConfig['memory']> = {};
    const limit = optInt(m.limit, 'linux.resources.memory.limit', -1);
    if (limit !== undefined && limit !== 0) mem.limit = limit;
    const reservation = optInt(m.reservation, 'linux.resources.memory.reservation', -1);
    if (reservation !== undefined && reservation !== 0) mem.reservation = reservation;
    const swap = optInt(m.swap, 'linux.resources.memory.swap', -1);
    if (swap !== undefined && swap !== 0) mem.swap = swap;
    if (mem.limit !== undefined && mem.limit > 0 && mem.swap !== undefined && mem.swap > 0 && mem.swap < mem.limit) {
      fail(`linux.resources.memory: swap (${mem.swap}) is memory+swap and cannot be lower than limit (${mem.limit})`);
    }
    const swappiness = optInt(m.swappiness, 'linux.resources.memory.swappiness', 0);
    if (swappiness !== undefined) mem.swappiness = swappiness;
    if (m.disableOOMKiller) mem.disableOOMKiller = true;
    if (Object.keys(mem).length) out.memory = mem;
  }
  if (isObject(res.cpu)) {
    const c = res.cpu;
    const cpu: NonNullable<ResourcesConfig['cpu']> = {};
    const shares = optInt(c.shares, 'linux.resources.cpu.shares', 0);
    if (shares) cpu.shares = shares;
    const quota = optInt(c.quota, 'linux.resources.cpu.quota', -1);
    if (quota !== undefined && quota !== 0) cpu.quota = quota;
    const period = optInt(c.period, 'linux.resources.cpu.period', 0);
    if (period) cpu.period = period;
    const burst = optInt(c.burst, 'linux.resources.cpu.burst', 0);
    if (burst) cpu.burst = burst;
    const rtRuntime = optInt(c.realtimeRuntime, 'linux.resources.cpu.realtimeRuntime', 0);
    if (rtRuntime) cpu.realtimeRuntime = rtRuntime;
    const rtPeriod = optInt(c.realtimePeriod, 'linux.resources.cpu.realtimePeriod', 0);
    if (rtPeriod) cpu.realtimePeriod = rtPeriod;
    const cpus = optStr(c.cpus, 'linux.resources.cpu.cpus');
    if (cpus) {
      if (!/^[0-9,\- ]+$/.test(cpus)) fail(`linux.resources.cpu.cpus: invalid cpu list ${JSON.stringify(cpus)}`);
      cpu.cpus = cpus;
    }
    const mems = optStr(c.mems, 'linux.resources.cpu.mems');
    if (mems) {
      if (!/^[0-9,\- ]+$/.test(mems)) fail(`linux.resources.cpu.mems: invalid node list ${JSON.stringify(mems)}`);
      cpu.mems = mems;
    }
    if (Object.keys(cpu).length) out.cpu = cpu;
  }
  if (isObject(res.pids)) {
    const limit = optInt(res.pids.limit, 'linux.resources.pids.limit', -1);
    if (limit !== undefined && limit !== 0) out.pids = { limit };
  }
  if (isObject(res.blockIO)) {
    const blockIO = blockIOConfig(res.blockIO);
    if (Object.keys(blockIO).length) out.blockIO = blockIO;
  }
  if (Array.isArray(res.hugepageLimits)) {
    out.hugepageLimits = res.hugepageLimits.map((h, i) => ({
      pageSize: str(h?.pageSize, `linux.resources.hugepageLimits[${i}].pageSize`),
      limit: int(h?.limit, `linux.resources.hugepageLimits[${i}].limit`, 0),
    }));
  }
  if (isObject(res.unified)) {
    const unified: Record<string, string> = {};
    for (const [k, val] of Object.entries(res.unified)) {
      if (k.includes('/') || k.startsWith('.')) fail(`linux.resources.unified: invalid key ${JSON.stringify(k)}`);
      unified[k] = str(val, `linux.resources.unified.${k}`);
    }
    out.unified = unified;
  }
  return out;
}

/** linux.resources as `update` receives it: the limits to change (device rules are not updated). */
export function convertResourcesUpdate(raw: unknown): Omit<ResourcesConfig, 'devices'> {
  if (!isObject(raw)) throw new ConfigError('resources must be a JSON object');
  const { devices: _ignored, ...rest } = resources(raw, []);
  return rest;
}

function hookList(v: unknown, where: string): HookConfig[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${where} must be an array`);
  return v.map((h: Hook, i) => {
    if (!isObject(h)) fail(`${where}[${i}] must be an object`);
    const hook: HookConfig = {
      path: absolute(str(h.path, `${where}[${i}].path`), `${where}[${i}].path`),
      args: strArray(h.args, `${where}[${i}].args`),
      env: strArray(h.env, `${where}[${i}].env`),
    };
    const timeout = optInt(h.timeout, `${where}[${i}].timeout`, 1);
    if (timeout !== undefined) hook.timeout = timeout;
    return hook;
  });
}

function hooks(v: unknown): HooksConfig {
  const h = isObject(v) ? v : {};
  return {
    prestart: hookList(h.prestart, 'hooks.prestart'),
    createRuntime: hookList(h.createRuntime, 'hooks.createRuntime'),
    createContainer: hookList(h.createContainer, 'hooks.createContainer'),
    startContainer: hookList(h.startContainer, 'hooks.startContainer'),
    poststart: hookList(h.poststart, 'hooks.poststart'),
    poststop: hookList(h.poststop, 'hooks.poststop'),
  };
}

function seccomp(v: unknown): SeccompConfig | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail('linux.seccomp must be an object');
  const syscalls = v.syscalls ?? [];
  if (!Array.isArray(syscalls)) fail('linux.seccomp.syscalls must be an array');
  const out: SeccompConfig = {
    defaultAction: str(v.defaultAction, 'linux.seccomp.defaultAction'),
    architectures: strArray(v.architectures, 'linux.seccomp.architectures'),
    flags: strArray(v.flags, 'linux.seccomp.flags'),
    syscalls: syscalls.map((s, i) => {
      if (!isObject(s)) fail(`linux.seccomp.syscalls[${i}] must be an object`);
      const rule: SeccompConfig['syscalls'][number] = {
        names: strArray(s.names, `linux.seccomp.syscalls[${i}].names`),
        action: str(s.action, `linux.seccomp.syscalls[${i}].action`),
        args: (Array.isArray(s.args) ? (s.args as Record<string, unknown>[]) : []).map((a, j) => ({
          index: int(a?.index, `linux.seccomp.syscalls[${i}].args[${j}].index`, 0, 5),
          value: int(a?.value ?? 0, `linux.seccomp.syscalls[${i}].args[${j}].value`),
          valueTwo: int(a?.valueTwo ?? 0, `linux.seccomp.syscalls[${i}].args[${j}].valueTwo`),
          op: str(a?.op, `linux.seccomp.syscalls[${i}].args[${j}].op`),
        })),
      };
      const errnoRet = optInt(s.errnoRet, `linux.seccomp.syscalls[${i}].errnoRet`, 0);
      if (errnoRet !== undefined) rule.errnoRet = errnoRet;
      return rule;
    }),
  };
  const defaultErrnoRet = optInt(v.defaultErrnoRet, 'linux.seccomp.defaultErrnoRet', 0);
  if (defaultErrnoRet !== undefined) out.defaultErrnoRet = defaultErrnoRet;
  // An empty listenerPath is "not set", as for runc.
  const listenerPath = optStr(v.listenerPath, 'linux.seccomp.listenerPath');
  if (listenerPath) out.listenerPath = listenerPath;
  const listenerMetadata = optStr(v.listenerMetadata, 'linux.seccomp.listenerMetadata');
  if (listenerMetadata) out.listenerMetadata = listenerMetadata;
  return out;
}

function supportedCapability(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

/**
 * Validates an OCI process object (config.json's, or `exec --process`'s) and applies its defaults.
 * Error messages name fields under `where` ("process" for config.json).
 */
export function convertProcess(raw: unknown, capLast = supportedCapability(), where = 'process'): ProcessConfig {
  if (!isObject(raw)) fail(`${where} must be an object`);
  const proc = raw;
  const args = strArray(proc.args, `${where}.args`);
  if (args.length === 0) fail(`${where}.args must name the program to run`);
  const user = isObject(proc.user) ? proc.user : {};
  const out: ProcessConfig = {
    args,
    env: strArray(proc.env, `${where}.env`),
    cwd: absolute(optStr(proc.cwd, `${where}.cwd`) ?? '/', `${where}.cwd`),
    terminal: bool(proc.terminal, `${where}.terminal`),
    user: {
      uid: optInt(user.uid, `${where}.user.uid`, 0) ?? 0,
      gid: optInt(user.gid, `${where}.user.gid`, 0) ?? 0,
      umask: optInt(user.umask, `${where}.user.umask`, 0) ?? 0o022,
      additionalGids: (Array.isArray(user.additionalGids) ? user.additionalGids : []).map((g, i) => int(g, `${where}.user.additionalGids[${i}]`, 0)),
    },
    capabilities: capabilities(proc.capabilities, capLast, where),
    rlimits: rlimits(proc.rlimits, where),
    noNewPrivileges: bool(proc.noNewPrivileges, `${where}.noNewPrivileges`),
  };
  if (isObject(proc.consoleSize)) {
    const height = optInt(proc.consoleSize.height, `${where}.consoleSize.height`, 0) ?? 0;
    const width = optInt(proc.consoleSize.width, `${where}.consoleSize.width`, 0) ?? 0;
    if (height || width) out.consoleSize = { height, width };
  }
  const oom = optInt(proc.oomScoreAdj, `${where}.oomScoreAdj`, -1000);
  if (oom !== undefined) {
    if (oom > 1000) fail(`${where}.oomScoreAdj must be between -1000 and 1000`);
    out.oomScoreAdj = oom;
  }
  return out;
}

export interface ConvertOptions {
  id: string;
  /** The bundle directory (absolute or relative to the working directory). */
  bundle: string;
  /** Last capability number the kernel knows; read from /proc when left out. */
  capLast?: number;
}

/** Validates `spec` and returns the container config with defaults applied. Throws ConfigError naming the field. */
export function convertSpec(spec: Spec, opts: ConvertOptions): ContainerConfig {
  validateId(opts.id);
  const bundle = path.resolve(opts.bundle);
  if (spec.ociVersion !== undefined && typeof spec.ociVersion !== 'string') fail('ociVersion must be a string');

  if (!isObject(spec.process)) fail('process is missing');
  const processConfig = convertProcess(spec.process, opts.capLast ?? supportedCapability());

  if (!isObject(spec.root)) fail('root is missing');
  const rootPath = str(spec.root.path, 'root.path');
  const rootfsAbs = path.resolve(bundle, rootPath);
  let rootfs: string;
  try {
    rootfs = fs.realpathSync(rootfsAbs);
  } catch {
    throw new ConfigError(`root.path: rootfs ${rootfsAbs} does not exist`);
  }
  if (!fs.statSync(rootfs).isDirectory()) fail(`root.path: rootfs ${rootfs} is not a directory`);

  const linux = isObject(spec.linux) ? spec.linux : {};
  const ns = namespaces(linux.namespaces);
  const uidMappings = idMappings(linux.uidMappings, 'linux.uidMappings');
  const gidMappings = idMappings(linux.gidMappings, 'linux.gidMappings');
  const userNs = ns.find((n) => n.type === 'user');
  if (userNs && !userNs.path && (uidMappings.length === 0 || gidMappings.length === 0)) {
    fail('a new user namespace needs linux.uidMappings and linux.gidMappings');
  }
  if (!userNs && (uidMappings.length > 0 || gidMappings.length > 0)) {
    fail('linux.uidMappings/gidMappings are set but there is no user namespace in linux.namespaces');
  }
  const hostname = optStr(spec.hostname, 'hostname');
  if (hostname && !ns.some((n) => n.type === 'uts')) fail('hostname is set but the container has no uts namespace');
  const domainname = optStr(spec.domainname, 'domainname');
  if (domainname && !ns.some((n) => n.type === 'uts')) fail('domainname is set but the container has no uts namespace');

  let rootfsPropagation = MS.SLAVE | MS.REC;
  const prop = optStr(linux.rootfsPropagation, 'linux.rootfsPropagation');
  if (prop) {
    const p = parsePropagation(prop);
    if (p === undefined) fail(`linux.rootfsPropagation: unknown propagation ${JSON.stringify(prop)}`);
    rootfsPropagation = p;
  }

  const sysctl: Record<string, string> = {};
  if (isObject(linux.sysctl)) {
    for (const [k, v] of Object.entries(linux.sysctl)) {
      if (!/^[\w.\-/]+$/.test(k) || k.includes('..')) fail(`linux.sysctl: invalid key ${JSON.stringify(k)}`);
      sysctl[k] = str(v, `linux.sysctl.${k}`);
    }
  }

  const cgroupsPath = optStr(linux.cgroupsPath, 'linux.cgroupsPath') || `/${opts.id}`;
  if (cgroupsPath.split('/').includes('..')) fail(`linux.cgroupsPath must not contain '..': ${cgroupsPath}`);
  const devs = devices(linux.devices);

  const config: ContainerConfig = {
    id: opts.id,
    ociVersion: spec.ociVersion ?? '1.0.2',
    bundle,
    rootfs,
    readonlyRootfs: bool(spec.root.readonly, 'root.readonly'),
    process: processConfig,
    mounts: mounts(spec.mounts, bundle),
    namespaces: ns,
    uidMappings,
    gidMappings,
    devices: devs,
    maskedPaths: strArray(linux.maskedPaths, 'linux.maskedPaths').map((p, i) => absolute(p, `linux.maskedPaths[${i}]`)),
    readonlyPaths: strArray(linux.readonlyPaths, 'linux.readonlyPaths').map((p, i) => absolute(p, `linux.readonlyPaths[${i}]`)),
    rootfsPropagation,
    sysctl,
    cgroupsPath,
    resources: resources(linux.resources, devs),
    hooks: hooks(spec.hooks),
    annotations: isObject(spec.annotations) ? Object.fromEntries(Object.entries(spec.annotations).map(([k, v]) => [k, str(v, `annotations.${k}`)])) : {},
  };
  if (!ns.some((n) => n.type === 'mount')) {
    // runc accepts a config without a mount namespace: the spec's mounts are then made on the host,
    // under the rootfs, and the process is chrooted into it. Masks need a namespace (runc's words);
    // a read-only root or --no-pivot would change host mounts, which runc-ts never does.
    if (config.maskedPaths.length || config.readonlyPaths.length) fail('unable to restrict sys entries without a private MNT namespace');
    if (config.readonlyRootfs) fail('root.readonly needs a mount namespace of its own (runc-ts never remounts a host filesystem)');
  }
  if (hostname) config.hostname = hostname;
  if (domainname) config.domainname = domainname;
  const sc = seccomp(linux.seccomp);
  if (sc) config.seccomp = sc;
  return config;
}
