// containerd.services.introspection.v1.Introspection: the plugins and their init errors, the server.
import type * as grpc from '@grpc/grpc-js';
import { addService } from '@stack/proto';
import { Introspection } from '@stack/proto/gen/containerd/services/introspection/v1/introspection_pb';
import { parseFilters } from '../core/filters/filter.js';
import type { PluginRegistry } from '../core/plugin/registry.js';
import { hostPlatform } from '../core/images/platform.js';
import { guarded } from './grpc-context.js';

export function registerIntrospection(server: grpc.Server, registry: PluginRegistry, uuid: string): void {
  addService(
    server,
    Introspection,
    guarded({
      plugins(req) {
        const f = parseFilters(req.filters);
        const host = hostPlatform();
        const plugins = registry
          .describe()
          .filter((p) => f((fp) => (fp[0] === 'type' ? p.type : fp[0] === 'id' ? p.id : undefined)))
          .map((p) => {
            const m: {
              type: string;
              id: string;
              requires: string[];
              exports: Record<string, string>;
              capabilities: string[];
              platforms: Array<{ os: string; architecture: string; variant: string }>;
              initErr?: { code: number; message: string };
            } = { type: p.type, id: p.id, requires: p.requires, exports: p.exports, capabilities: [], platforms: p.type.includes('snapshotter') ? [{ os: host.os, architecture: host.architecture, variant: host.variant ?? '' }] : [] };
            if (p.error) m.initErr = { code: 2, message: p.error };
            return m;
          });
        return { plugins };
      },
      server() {
        return { uuid, pid: BigInt(process.pid), pidns: 0n };
      },
    }),
  );
}
