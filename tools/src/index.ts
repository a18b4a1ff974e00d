// @stack/tools: test images, bundles, a registry fixture and the benchmark harness.

export { writeOciImage, type WriteOciImageOptions, type BuiltImage, type BuiltLayerInfo } from './image/write-image.js';
export type { LayerSpec, LayerEntry, LayerEntryType } from './image/layer-entry.js';
export { DEFAULT_PATH, type ImageConfigSpec, type OciImageConfig } from './image/image-config.js';
export { buildBusyboxImage, DEFAULT_BUSYBOX, DEFAULT_BUSYBOX_TAG, type BuildBusyboxImageOptions } from './image/busybox.js';
export { buildHelloWorldImage, HELLO_WORLD_GREETING, HELLO_WORLD_TAG, type BuildHelloWorldImageOptions } from './image/hello-world.js';
export { readLayoutImage, type LayoutImage } from './image/read-layout.js';
export { sha256Digest } from './image/digest.js';
export * from './image/media-types.js';

export { makeBundle, type MakeBundleOptions, type Bundle } from './bundle/make-bundle.js';
export { defaultRuntimeSpec, DOCKER_DEFAULT_CAPABILITIES, type RuntimeSpec, type RuntimeSpecOptions, type RuntimeMount } from './bundle/runtime-spec.js';
export { applyLayer } from './bundle/unpack-layer.js';

export { registryConfig, startRegistry, type Registry, type StartRegistryOptions } from './registry/registry.js';
export { pushOciLayout } from './registry/push.js';

export {
  compare,
  measure,
  hrClock,
  type Clock,
  type CompareSpec,
  type MeasureSpec,
  type CompareResult,
  type MeasureResult,
  type BenchResult,
  type VariantResult,
  type TimingOptions,
} from './bench/compare.js';
export type { Variant } from './bench/variant.js';
export { median, pairwiseRatios, summarize } from './bench/stats.js';
export { currentMachine, describeMachine, type MachineInfo } from './bench/machine.js';
export { mergeResults, renderSection, writeResults, type SuiteSection } from './bench/results-file.js';
export type { BenchContext, BenchSuite } from './bench/suite.js';

export { startReferenceContainerd, removeCgroupTree, type ReferenceContainerd } from './reference/containerd.js';
export { startReferenceDockerd, type ReferenceDockerd, DOCKER_CLI } from './reference/dockerd.js';
export { runCommand, type CommandResult } from './reference/command.js';
export { stopProcess } from './reference/process-control.js';
export { removeCtrFifos } from './reference/ctr-fifos.js';

export { buildStartupSnapshot, bundleScript, runBuild, type BundleOptions, type StartupSnapshotOptions } from './snapshot/build-snapshot.js';
export { killShim, killShims } from './process/kill-shims.js';
export { PROGRAMS } from './install/install.js';
