// grpc.health.v1.Health, which clients that wait for a healthy daemon poll before their first call.
// Service "" and every service this server serves answer SERVING until the daemon stops; then
// NOT_SERVING, and open Watch streams end so the server can drain at once.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError, servedServices } from '@stack/proto';
import { Health, HealthCheckResponse_ServingStatus as Status } from '@stack/proto/gen/grpc/health/v1/health_pb';

export class HealthState {
  private serving = true;
  private readonly waiters = new Set<() => void>();

  get isServing(): boolean {
    return this.serving;
  }

  /** Marks every service NOT_SERVING and wakes the watchers. */
  shutdown(): void {
    this.serving = false;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Resolves at the next change (only shutdown today) or when signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    if (!this.serving || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

export function registerHealth(server: grpc.Server, state: HealthState): void {
  const known = (service: string) => service === '' || servedServices(server).has(service);
  const status = () => (state.isServing ? Status.SERVING : Status.NOT_SERVING);
  addService(server, Health, {
    check(req) {
      // grpc's own health server answers an unknown name this way; containerd uses it.
      if (!known(req.service)) throw new GrpcError(Code.NOT_FOUND, 'unknown service');
      return { status: status() };
    },
    async *watch(req, call) {
      if (!known(req.service)) {
        yield { status: Status.SERVICE_UNKNOWN };
        await state.changed(call.signal);
        return;
      }
      yield { status: status() };
      if (!state.isServing) return;
      await state.changed(call.signal);
      if (!call.signal.aborted) yield { status: status() };
    },
  });
}
