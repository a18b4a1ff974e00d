// The flags `run` and `containers create` share (ctr's names), checked before anything is created.
import type { Argv } from 'yargs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NewContainerOptions } from '../../client/new-container.js';
import { checkUserSpec } from '../../client/oci/user.js';
import type { OciMount } from '../../client/oci/spec.js';
import { parseLabels } from './common.js';
import { checkCapability, parseWithNs } from '../../client/oci/linux-opts.js';

export interface ContainerFlags {
  env: string[] | string | undefined;
  cwd: string | undefined;
  user: string | undefined;
  mount: string[] | string | undefined;
  'memory-limit': string | undefined;
  cpus: string | undefined;
  'runc-binary': string | undefined;
  label: string[] | string | undefined;
  snapshotter: string;
  tty: boolean;
  privileged: boolean;
  'net-host': boolean;
  'cap-add': string[] | string | undefined;
  'cap-drop': string[] | string | undefined;
  device: string[] | string | undefined;
  'read-only': boolean;
  'allow-new-privs': boolean;
  annotation: string[] | string | undefined;
  rootfs: boolean;
  'with-ns': string[] | string | undefined;
  'env-file': string | undefined;
}

export function withContainerFlags<T>(y: Argv<T>): Argv<T & ContainerFlags> {
  return y
    .option('env', { type: 'string', describe: 'extra environment variable KEY=VALUE (repeatable)' })
    .option('cwd', { type: 'string', describe: 'working directory of the process' })
    .option('user', { alias: 'u', type: 'string', describe: 'UID[:GID] (or NAME[:GROUP] from the image)' })
    .option('mount', { type: 'string', describe: 'extra mount, e.g. type=bind,src=/tmp,dst=/host,options=rbind:ro (repeatable)' })
    .option('memory-limit', { type: 'string', describe: 'memory limit in bytes' })
    .option('cpus', { type: 'string', describe: 'CFS quota in CPUs (e.g. 0.5)' })
    .option('runc-binary', { type: 'string', describe: 'a runc-compatible binary for the shim to run' })
    .option('label', { type: 'string', describe: 'container label KEY=VALUE (repeatable)' })
    .option('snapshotter', { type: 'string', default: 'overlayfs', describe: 'snapshotter name' })
    .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'allocate a terminal' })
    .option('privileged', { type: 'boolean', default: false, describe: 'every capability of this process, all devices, no masked paths' })
    .option('net-host', { type: 'boolean', default: false, describe: 'use the host\'s network namespace' })
    .option('cap-add', { type: 'string', describe: 'add a capability, CAP_ prefix required (repeatable)' })
    .option('cap-drop', { type: 'string', describe: 'drop a capability, CAP_ prefix required (repeatable)' })
    .option('device', { type: 'string', describe: 'a host device node, or a directory of them, to add (repeatable)' })
    .option('read-only', { type: 'boolean', default: false, describe: 'mount the root filesystem read-only' })
    .option('allow-new-privs', { type: 'boolean', default: false, describe: 'turn off the spec\'s noNewPrivileges' })
    .option('annotation', { type: 'string', describe: 'OCI annotation KEY=VALUE (repeatable)' })
    .option('with-ns', { type: 'string', describe: 'join an existing namespace, TYPE:PATH (e.g. network:/run/netns/x; repeatable)' })
    .option('env-file', { type: 'string', describe: 'environment variables KEY=VALUE from a file, one a line' })
    .option('rootfs', { type: 'boolean', default: false, describe: 'IMAGE is a host directory to use as the root filesystem (no image, no snapshot)' }) as unknown as Argv<T & ContainerFlags>;
}

export function list(v: string[] | string | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** ctr's --mount: comma-separated key=value (type, src|source, dst|destination, options=a:b). */
export function parseMount(spec: string): OciMount {
  const m: Partial<OciMount> = {};
  for (const field of spec.split(',')) {
    const i = field.indexOf('=');
    if (i <= 0) throw new Error(`invalid --mount ${JSON.stringify(spec)}: expected key=value fields`);
    const [k, v] = [field.slice(0, i), field.slice(i + 1)];
    if (k === 'type') m.type = v;
    else if (k === 'src' || k === 'source') m.source = v;
    else if (k === 'dst' || k === 'destination' || k === 'target') m.destination = v;
    else if (k === 'options') m.options = v.split(':').filter(Boolean);
    else throw new Error(`invalid --mount ${JSON.stringify(spec)}: unknown key ${JSON.stringify(k)} (want type, src, dst, options)`);
  }
  if (!m.destination || !path.isAbsolute(m.destination)) throw new Error(`invalid --mount ${JSON.stringify(spec)}: dst must be an absolute path`);
  if (!m.type) throw new Error(`invalid --mount ${JSON.stringify(spec)}: type is required (e.g. type=bind)`);
  if (m.type === 'bind' && !m.source) throw new Error(`invalid --mount ${JSON.stringify(spec)}: a bind mount needs src`);
  return { destination: m.destination, type: m.type, source: m.source ?? m.type, options: m.options ?? (m.type === 'bind' ? ['rbind'] : []) };
}

/** --rootfs's directory, made absolute (the runtime resolves a relative root against the bundle). */
function rootfsDir(p: string): string {
  const abs = path.resolve(p);
  if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`invalid --rootfs ${JSON.stringify(p)}: not a directory`);
  return abs;
}

/** --env-file: one KEY=VALUE a line (empty lines skipped), read before anything is created. */
export function readEnvFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--env-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
    .map((l, i) => {
      if (l.indexOf('=') <= 0) throw new Error(`--env-file ${file}: line ${i + 1} ${JSON.stringify(l)}: want KEY=VALUE`);
      return l;
    });
}

export function checkEnv(kv: string): string {
  if (kv.indexOf('=') <= 0) throw new Error(`invalid --env ${JSON.stringify(kv)}: want KEY=VALUE`);
  return kv;
}

function positiveInteger(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) throw new Error(`invalid --${name} ${JSON.stringify(v)}: want a positive number of bytes`);
  return Number(v);
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`invalid --${name} ${JSON.stringify(v)}: want a positive number`);
  return n;
}

/** The options of a new container from the parsed flags; throws on malformed input. */
export function containerOptions(argv: ContainerFlags, image: string, id: string, args: string[]): NewContainerOptions {
  const mounts = list(argv.mount).map(parseMount);
  const env = list(argv.env).map(checkEnv);
  if (argv.user !== undefined) checkUserSpec(argv.user);
  if (argv.cwd !== undefined && !path.isAbsolute(argv.cwd)) throw new Error(`invalid --cwd ${JSON.stringify(argv.cwd)}: want an absolute path`);
  const memoryLimit = positiveInteger('memory-limit', argv['memory-limit']);
  const cpus = positiveNumber('cpus', argv.cpus);
  return {
    id,
    image,
    args,
    env,
    mounts,
    tty: argv.tty,
    snapshotter: argv.snapshotter,
    labels: parseLabels(list(argv.label)),
    ...(argv.cwd !== undefined ? { cwd: argv.cwd } : {}),
    ...(argv.user !== undefined ? { user: argv.user } : {}),
    ...(memoryLimit !== undefined ? { memoryLimit } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(argv['runc-binary'] !== undefined ? { runcBinary: argv['runc-binary'] } : {}),
    privileged: argv.privileged,
    netHost: argv['net-host'],
    capAdd: list(argv['cap-add']).map(checkCapability),
    capDrop: list(argv['cap-drop']).map(checkCapability),
    devices: list(argv.device),
    readOnly: argv['read-only'],
    allowNewPrivileges: argv['allow-new-privs'],
    annotations: parseLabels(list(argv.annotation)),
    ...(argv.rootfs ? { rootfsPath: rootfsDir(image) } : {}),
    joinNamespaces: list(argv['with-ns']).map(parseWithNs),
    ...(argv['env-file'] !== undefined ? { envFile: readEnvFile(argv['env-file']) } : {}),
  };
}
