// HostConfig as dockerd's inspect shows it: every field of API 1.41, with the value dockerd shows
// when a request left it out (its defaults filled in: IpcMode, ShmSize, MaskedPaths, ReadonlyPaths…).
import * as fs from 'node:fs';
import type { HostConfig } from '../state/container-record.js';
import { DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from '../../oci/spec-builder.js';
import { DEFAULT_IPC_MODE } from './namespace-modes.js';

const DEFAULTS: Record<string, unknown> = {
  Binds: null,
  ContainerIDFile: '',
  LogConfig: { Type: 'json-file', Config: {} },
  NetworkMode: 'default',
  PortBindings: null,
  RestartPolicy: { Name: '', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: '',
  VolumesFrom: null,
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: '',
  Dns: null,
  DnsOptions: null,
  DnsSearch: null,
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: DEFAULT_IPC_MODE,
  Cgroup: '',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: DEFAULT_SHM_SIZE,
  Runtime: 'runc',
  ConsoleSize: [0, 0],
  Isolation: '',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: '',
  BlkioWeight: 0,
  BlkioWeightDevice: null,
  BlkioDeviceReadBps: null,
  BlkioDeviceWriteBps: null,
  BlkioDeviceReadIOps: null,
  BlkioDeviceWriteIOps: null,
  CpuPeriod: 0,
  CpuQuota: 0,
  CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0,
  CpusetCpus: '',
  CpusetMems: '',
  Devices: null,
  DeviceCgroupRules: null,
  DeviceRequests: null,
  KernelMemory: 0,
  KernelMemoryTCP: 0,
  MemoryReservation: 0,
  MemorySwap: 0,
  MemorySwappiness: null,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: null,
  CpuCount: 0,
  CpuPercent: 0,
  IOMaximumIOps: 0,
  IOMaximumBandwidth: 0,
};

let cgroupV2: boolean | undefined;

export function hostConfigView(h: HostConfig): Record<string, unknown> {
  cgroupV2 ??= fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  const out: Record<string, unknown> = { ...DEFAULTS, CgroupnsMode: cgroupV2 ? 'private' : 'host', ...h };
  if (!h.ShmSize) out.ShmSize = DEFAULT_SHM_SIZE;
  if (!h.IpcMode) out.IpcMode = DEFAULT_IPC_MODE;
  // Records from before these were stored: what dockerd would have stored.
  if (h.MaskedPaths === undefined) out.MaskedPaths = h.Privileged ? null : MASKED_PATHS;
  if (h.ReadonlyPaths === undefined) out.ReadonlyPaths = h.Privileged ? null : READONLY_PATHS;
  if (Array.isArray(h.Ulimits) && h.Ulimits.length === 0) out.Ulimits = null;
  // dockerd leaves Init out unless it was set.
  if (h.Init === null || h.Init === undefined) delete out.Init;
  return out;
}
