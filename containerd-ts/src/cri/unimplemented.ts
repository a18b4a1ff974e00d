// RuntimeService calls this phase does not serve yet: each answers UNIMPLEMENTED saying so, rather
// than grpc's bare "method not implemented". CheckpointContainer always does (no CRIU support).
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import { RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;

function refusal(name: string): GrpcError {
  if (name === 'CheckpointContainer') return new GrpcError(Code.UNIMPLEMENTED, 'CheckpointContainer: checkpointing containers is not supported by containerd-ts');
  return new GrpcError(Code.UNIMPLEMENTED, `${name}: not implemented yet by containerd-ts's CRI service`);
}

/** Handlers for every RuntimeService method not in `served`. */
export function unimplemented(served: Impl): Impl {
  const out: Record<string, unknown> = {};
  for (const m of RuntimeService.methods) {
    if (m.localName in served) continue;
    out[m.localName] =
      m.methodKind === 'server_streaming'
        ? // eslint-disable-next-line require-yield
          async function* () {
            throw refusal(m.name);
          }
        : () => {
            throw refusal(m.name);
          };
  }
  return out as Impl;
}
