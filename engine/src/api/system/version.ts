// GET /version
import * as os from 'node:os';
import { API_VERSION, MIN_API_VERSION } from '../../daemon/http/api-version.js';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { HOST_ARCH } from '../../daemon/images/platform.js';

export const ENGINE_VERSION = '0.1.0';

export function register(r: Router, e: Engine): void {
  r.get('/version', async (ctx) => {
    let containerdVersion = 'unavailable';
    try {
      containerdVersion = (await e.containerd.version.version({})).version;
    } catch {
      // reported as unavailable
    }
    ctx.sendJson(200, {
      Platform: { Name: 'container-stack engine' },
      Components: [
        { Name: 'Engine', Version: ENGINE_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: HOST_ARCH, KernelVersion: os.release(), GoVersion: `node ${process.version}` } },
        { Name: 'containerd', Version: containerdVersion, Details: { GitCommit: '' } },
        { Name: 'runc', Version: 'runc-ts 0.1.0', Details: { GitCommit: '' } },
      ],
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: `node ${process.version}`,
      Os: 'linux',
      Arch: HOST_ARCH,
      KernelVersion: os.release(),
      BuildTime: '',
    });
  });
}
