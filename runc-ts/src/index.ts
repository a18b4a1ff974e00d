// @stack/runc-ts as a library (crun's model: the same verbs as the CLI, one options object, typed
// errors). The shim calls these in-process so a warm process starts containers without a node boot.
export { runtime, type Runtime } from './container/runtime.js';
export { createContainer, type CreateOptions } from './container/create.js';
export { startContainer } from './container/start.js';
export { runContainer, type RunOptions } from './container/run.js';
export { killContainer } from './container/kill.js';
export { deleteContainer } from './container/delete.js';
export { currentStatus, ociState } from './container/container-status.js';
export { parseSignal, signalName } from './container/signals.js';
export { createLogger, silentLogger, type Logger } from './container/logger.js';
export { exitCodeOf, waitForChild } from './container/process-wait.js';
export { StateStore, ContainerNotFound, DEFAULT_ROOT, type ContainerState } from './state/state-store.js';
export { refusal, canPerform, type Status, type Operation } from './state/status.js';
export { convertSpec, parseSpec, loadSpec, validateId } from './spec/convert.js';
export { defaultSpec } from './spec/default-spec.js';
export { ConfigError } from './spec/config-error.js';
export type { ContainerConfig } from './spec/config.js';
export type { Spec } from './spec/types.js';
export { linux as linuxSyscalls } from './syscalls/linux.js';
export type { Syscalls } from './syscalls/syscalls.js';
export { SyscallError } from './syscalls/syscall-error.js';
