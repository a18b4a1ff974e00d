// containerd.services.events.v1.Events over the exchange.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Events } from '@stack/proto/gen/containerd/services/events/v1/events_pb';
import { requireNamespace } from '../core/namespaces/context.js';
import { validateTopic, type Exchange } from '../core/events/exchange.js';
import { ctxOf, guarded, msOf, tsDate } from './grpc-context.js';

export function registerEvents(server: grpc.Server, exchange: Exchange): void {
  addService(
    server,
    Events,
    guarded({
      publish(req, call) {
        const ctx = ctxOf(call);
        if (!validateTopic(req.topic)) throw new GrpcError(Code.INVALID_ARGUMENT, `invalid topic ${JSON.stringify(req.topic)}`);
        if (!req.event) throw new GrpcError(Code.INVALID_ARGUMENT, 'event must be set');
        exchange.publish(ctx.namespace, req.topic, { typeUrl: req.event.typeUrl, value: req.event.value });
        return {};
      },
      forward(req) {
        const e = req.envelope;
        if (!e?.event) throw new GrpcError(Code.INVALID_ARGUMENT, 'envelope with an event must be set');
        if (!validateTopic(e.topic)) throw new GrpcError(Code.INVALID_ARGUMENT, `invalid topic ${JSON.stringify(e.topic)}`);
        exchange.forward({ timestamp: new Date(msOf(e.timestamp) ?? Date.now()), namespace: requireNamespace(e.namespace), topic: e.topic, event: { typeUrl: e.event.typeUrl, value: e.event.value } });
        return {};
      },
      async *subscribe(req, call) {
        for await (const e of exchange.subscribe(req.filters, call.signal)) {
          yield { timestamp: tsDate(e.timestamp), namespace: e.namespace, topic: e.topic, event: { typeUrl: e.event.typeUrl, value: e.event.value } };
        }
      },
    }),
  );
}
