// RuntimeService: Version, Status and RuntimeConfig — what kubelet asks before anything else.
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import { CgroupDriver, type RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { VERSION } from '../version.js';
import { loadCniNetwork } from './cni-config.js';
import type { CriDeps } from './deps.js';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;

/** The CRI API version this runtime speaks (kubelet checks runtime_api_version). */
export const CRI_API_VERSION = 'v1';
export const RUNTIME_NAME = 'containerd-ts';

export function runtimeInfo(deps: CriDeps): Impl {
  return {
    version: () => ({ version: '0.1.0', runtimeName: RUNTIME_NAME, runtimeVersion: VERSION, runtimeApiVersion: CRI_API_VERSION }),
    status: (req) => {
      const cni = loadCniNetwork(deps.config.cniConfDir, deps.config.cniBinDir);
      const network =
        'network' in cni
          ? { type: 'NetworkReady', status: true, reason: '', message: '' }
          : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: `Network plugin returns error: cni plugin not initialized: ${cni.error}` };
      const info: Record<string, string> = {};
      if (req.verbose) {
        info['config'] = JSON.stringify({ sandboxImage: deps.config.sandboxImage, cni: { binDir: deps.config.cniBinDir, confDir: deps.config.cniConfDir } });
        info['lastCNILoadStatus'] = 'network' in cni ? 'OK' : cni.error;
      }
      return {
        status: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, network] },
        info,
        runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: false, userNamespaces: false } }],
      };
    },
    runtimeConfig: () => ({ linux: { cgroupDriver: CgroupDriver.CGROUPFS } }),
    updateRuntimeConfig: (req) => {
      // kubelet sends the node's pod CIDR; this runtime takes addresses from the CNI conf only.
      const cidr = req.runtimeConfig?.networkConfig?.podCidr ?? '';
      if (cidr !== '') throw new GrpcError(Code.UNIMPLEMENTED, `UpdateRuntimeConfig: pod CIDR ${cidr} cannot be applied: containerd-ts takes pod addresses from the CNI config in ${deps.config.cniConfDir} only`);
      return {};
    },
  };
}
