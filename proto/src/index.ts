// Public entry point of @stack/proto: the gRPC adapter. Generated messages and services are imported
// from their own modules, e.g. `@stack/proto/gen/containerd/services/content/v1/content_pb`.
export { connect, createClient, type ClientOptions } from './grpc/client.js';
export { createServer, addService, servedServices, listenUnix, shutdown, MAX_MESSAGE_BYTES } from './grpc/server.js';
export { GrpcError, Code, isGrpcCode, fromServiceError } from './grpc/errors.js';
export { AsyncQueue } from './grpc/async-queue.js';
export { serviceDefinition, methodPath } from './grpc/codec.js';
export type { CallContext, CallOptions, Client, ServiceImpl, Handler, ClientMethod, MethodsOf } from './grpc/types.js';
