// A container from an image, as `ctr run` / `ctr containers create` make one: the snapshot prepared
// on the image's chain ID (key = container id, under a lease until the record holds it), the spec
// built from the image config and the caller's options, the record. Nothing is left on failure.
import { create, toBinary } from '@bufbuild/protobuf';
import { hasCode, Status } from './light-channel.js';
import type { StackClient } from './client.js';
import { defaultSpec } from './oci/default-spec.js';
import { rootfsUserDb, type RootfsMount } from './oci/rootfs-files.js';
import { SPEC_TYPE_URL, type OciMount, type OciSpec } from './oci/spec.js';
import { withCpus, withCwd, withEnv, withImageConfig, withMemoryLimit, withMounts, withProcessArgs, withTTY, withUser } from './oci/spec-opts.js';
import { resolveRunImage } from './run-image.js';
import { withAddedCapabilities, withDevices, withDroppedCapabilities, withHostNetwork, withLinuxNamespace, withPrivileged } from './oci/linux-opts.js';

export const RUNC_RUNTIME = 'io.containerd.runc.v2';
export const RUNC_OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';
export const STOP_SIGNAL_LABEL = 'io.containerd.image.config.stop-signal';
const LEASE_HEADER = 'containerd-lease';

export interface NewContainerOptions {
  id: string;
  image: string;
  /** The command; empty: the image's Entrypoint + Cmd. */
  args: readonly string[];
  env: readonly string[];
  cwd?: string;
  user?: string;
  mounts: readonly OciMount[];
  memoryLimit?: number;
  cpus?: number;
  tty: boolean;
  /** A runc-compatible binary for the shim to run instead of the in-process runc-ts. */
  runcBinary?: string;
  labels?: Record<string, string>;
  snapshotter?: string;
  privileged?: boolean;
  netHost?: boolean;
  /** CAP_… names, checked by the caller. */
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  /** Host device nodes (or directories of them) to give the container. */
  devices?: readonly string[];
  readOnly?: boolean;
  allowNewPrivileges?: boolean;
  annotations?: Record<string, string>;
  /** ctr --rootfs: this host directory is the root filesystem (no image, no snapshot). */
  rootfsPath?: string;
  /** Namespaces to join (--with-ns), checked by the caller. */
  joinNamespaces?: ReadonlyArray<{ type: string; path: string }>;
  /** --env-file lines, applied before `env`. */
  envFile?: readonly string[];
}

export interface NewContainer {
  id: string;
  spec: OciSpec;
  /** The snapshot's mounts, for Tasks.Create. */
  rootfs: RootfsMount[];
  snapshotter: string;
  /** The container's snapshot ('' with --rootfs). */
  snapshotKey: string;
  /**
   * The end of the lease that kept the snapshot until the record held it: in flight while the
   * caller goes on (it need not wait for it before the next call); await it before exiting.
   */
  leaseReleased: Promise<void>;
}

/** The spec as ctr builds it; `run` is the image's config (none with --rootfs: no PATH either, as ctr). */
function buildSpec(namespace: string, o: NewContainerOptions, run: Parameters<typeof withImageConfig>[1] | undefined, rootfs: RootfsMount[]): OciSpec {
  const users = rootfsUserDb(rootfs);
  const spec = defaultSpec(namespace, o.id);
  if (run) withImageConfig(spec, run, users);
  if (o.args.length) withProcessArgs(spec, o.args);
  if (o.tty) withTTY(spec);
  withMounts(spec, o.mounts);
  if (o.memoryLimit) withMemoryLimit(spec, o.memoryLimit);
  if (o.cpus) withCpus(spec, o.cpus);
  if (o.envFile?.length) withEnv(spec, o.envFile);
  withEnv(spec, o.env);
  if (o.cwd) withCwd(spec, o.cwd);
  if (o.user) withUser(spec, o.user, users);
  // In ctr's order: privileged, host devices, then explicit capabilities, devices and namespaces.
  if (o.privileged) withPrivileged(spec);
  if (o.capAdd?.length) withAddedCapabilities(spec, o.capAdd);
  if (o.capDrop?.length) withDroppedCapabilities(spec, o.capDrop);
  for (const d of o.devices ?? []) withDevices(spec, d);
  if (o.netHost) withHostNetwork(spec);
  for (const ns of o.joinNamespaces ?? []) withLinuxNamespace(spec, ns);
  if (o.readOnly) spec.root.readonly = true;
  // false is left out, as containerd's Go spec omits it.
  if (o.allowNewPrivileges) delete spec.process.noNewPrivileges;
  // ctr makes its --label labels annotations too, then adds --annotation.
  const annotations = { ...(o.labels ?? {}), ...(o.annotations ?? {}) };
  if (Object.keys(annotations).length) spec.annotations = { ...spec.annotations, ...annotations };
  if (spec.process.args.length === 0) throw new Error(o.rootfsPath !== undefined ? 'no command to run: give one after the container ID (a --rootfs has no image config)' : `no command to run: image ${o.image} has neither Entrypoint nor Cmd`);
  return spec;
}

/** containerd.runc.v1.Options naming the runtime binary (what `ctr run --runc-binary` stores). */
function runcOptions(binaryName: string): { typeUrl: string; value: Uint8Array } {
  const { OptionsSchema } = require('@stack/proto/gen/containerd/runc/v1/options_pb') as typeof import('@stack/proto/gen/containerd/runc/v1/options_pb');
  return { typeUrl: RUNC_OPTIONS_TYPE_URL, value: toBinary(OptionsSchema, create(OptionsSchema, { binaryName })) };
}

/** ctr --rootfs: the record points the spec's root at the directory; there is no snapshot to prepare. */
async function newRootfsContainer(c: StackClient, o: NewContainerOptions & { rootfsPath: string }): Promise<NewContainer> {
  const spec = buildSpec(c.namespace, o, undefined, [{ type: 'bind', source: o.rootfsPath, options: ['rbind'] }]);
  spec.root.path = o.rootfsPath;
  try {
    await c.containers.create({
      container: {
        id: o.id,
        labels: o.labels ?? {},
        runtime: { name: RUNC_RUNTIME, ...(o.runcBinary ? { options: runcOptions(o.runcBinary) } : {}) },
        spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(spec)) },
      },
    });
  } catch (err) {
    if (hasCode(err, Status.ALREADY_EXISTS)) throw new Error(`container ${o.id}: already exists`);
    throw err;
  }
  return { id: o.id, spec, rootfs: [], snapshotter: '', snapshotKey: '', leaseReleased: Promise.resolve() };
}

export async function newContainer(c: StackClient, o: NewContainerOptions): Promise<NewContainer> {
  if (o.rootfsPath !== undefined) return newRootfsContainer(c, { ...o, rootfsPath: o.rootfsPath });
  const snapshotter = o.snapshotter ?? 'overlayfs';
  const expire = new Date(Date.now() + 24 * 3600_000).toISOString();
  // The image and the lease do not depend on each other: ask for both at once.
  const [image, lease] = await Promise.all([resolveRunImage(c, o.image), c.leases.create({ labels: { 'containerd.io/gc.expire': expire } })]);
  const leaseId = lease.lease?.id ?? '';
  const release = () => (leaseId ? c.leases.delete({ id: leaseId }).then(() => undefined, () => undefined) : Promise.resolve());
  try {
    let rootfs: RootfsMount[];
    try {
      const r = await c.snapshots.prepare({ snapshotter, key: o.id, parent: image.chainId }, { metadata: { [LEASE_HEADER]: leaseId } });
      rootfs = r.mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
    } catch (err) {
      if (hasCode(err, Status.ALREADY_EXISTS)) throw new Error(`snapshot ${o.id} already exists (is there a container ${o.id}?)`);
      if (hasCode(err, Status.NOT_FOUND)) throw new Error(`image ${image.name} is not unpacked for snapshotter ${snapshotter} (snapshot ${image.chainId} not found): pull it again`);
      throw err;
    }
    try {
      const spec = buildSpec(c.namespace, o, image.run, rootfs);
      const labels: Record<string, string> = { ...(image.run.Labels ?? {}), ...(o.labels ?? {}) };
      if (image.run.StopSignal) labels[STOP_SIGNAL_LABEL] = image.run.StopSignal;
      await c.containers.create({
        container: {
          id: o.id,
          image: image.name,
          labels,
          runtime: { name: RUNC_RUNTIME, ...(o.runcBinary ? { options: runcOptions(o.runcBinary) } : {}) },
          spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(spec)) },
          snapshotter,
          snapshotKey: o.id,
        },
      });
      return { id: o.id, spec, rootfs, snapshotter, snapshotKey: o.id, leaseReleased: release() };
    } catch (err) {
      await c.snapshots.remove({ snapshotter, key: o.id }).catch(() => undefined);
      if (hasCode(err, Status.ALREADY_EXISTS)) throw new Error(`container ${o.id}: already exists`);
      throw err;
    }
  } catch (err) {
    await release();
    throw err;
  }
}

/** Removes a container record and its snapshot (what ctr's container.Delete(WithSnapshotCleanup) does). */
export async function removeContainer(c: StackClient, id: string, snapshotter: string, snapshotKey: string): Promise<void> {
  // Independent of each other (a collection the record's removal starts may take the snapshot first).
  const snapshot = snapshotKey
    ? c.snapshots.remove({ snapshotter, key: snapshotKey }).catch((err: unknown) => {
        if (!hasCode(err, Status.NOT_FOUND)) throw err;
      })
    : undefined;
  await Promise.all([c.containers.delete({ id }), snapshot]);
}
