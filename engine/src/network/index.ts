// Public surface of engine networking (see README.md).
export { NetworkManager, type AttachResult } from './network-manager.js';
export type { NetworkManagerOptions, DefaultBridgeOptions, AttachStep } from './options.js';
export type { AttachOptions, EndpointRequest } from './sandbox-plan.js';
export type { CreateNetworkOptions, NetworkFilters } from './networks.js';
export type { RecoveryReport } from './recover.js';
export type { NetworkResource, EndpointInfo, ContainerNetworking } from './views.js';
export { dockerEndpointSettings } from './views.js';
export { NetworkError, type NetworkErrorKind } from './errors.js';
export { parsePortSpec, portRequests, parseExposedPort, formatPortLines, dockerPortMap, type PortBinding, type PortRequest, type PortProto } from './port-spec.js';
export { renderHostsFile, parseExtraHost, type HostEntry } from './files/hosts-file.js';
export { parseResolvConf, renderResolvConf, containerDns, EMBEDDED_DNS_ADDRESS, type ResolvConf } from './files/resolv-conf.js';
export { DEFAULT_ADDRESS_POOLS, type AddressPool } from './subnet-pool.js';
export { BridgeAttacher, portSpecsFromBindings, type BridgeContainer, type BridgeAttachment } from './bridge-attacher.js';
