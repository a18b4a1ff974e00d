// @stack/engine: the daemon's entry point, the API client the CLI uses, and the seam networking
// plugs into.
export { runDaemon } from './daemon/daemon.js';
export { loadConfig, DEFAULT_SOCKET, type DaemonConfig } from './daemon/config.js';
export { ApiClient, ApiError } from './cli/api-client.js';
export type { NetworkAttacher, NetworkAttachment, EndpointSettings } from './daemon/networking/network-attacher.js';
export { NetworkAttachers } from './daemon/networking/network-attacher.js';
export type { ContainerRecord, HostConfig, ContainerConfig } from './daemon/state/container-record.js';
