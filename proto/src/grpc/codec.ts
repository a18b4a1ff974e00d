// Maps a protobuf-es method descriptor to the path and (de)serializers grpc-js wants.
import { create, fromBinary, toBinary, type DescMethod, type DescService } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

export interface MethodCodec {
  path: string;
  serializeRequest(value: object): Buffer;
  deserializeRequest(bytes: Buffer): object;
  serializeResponse(value: object): Buffer;
  deserializeResponse(bytes: Buffer): object;
}

export function methodCodec(method: DescMethod): MethodCodec {
  // create() passes an existing message of the right type through and fills defaults for plain objects.
  const ser = (schema: DescMethod['input'], v: object) =>
    Buffer.from(toBinary(schema, create(schema, v as never)));
  return {
    path: methodPath(method),
    serializeRequest: (v) => ser(method.input, v),
    deserializeRequest: (b) => fromBinary(method.input, b),
    serializeResponse: (v) => ser(method.output, v),
    deserializeResponse: (b) => fromBinary(method.output, b),
  };
}

/** The grpc-js service definition for a protobuf-es service descriptor. */
export function serviceDefinition(service: DescService): ServiceDefinition {
  const def: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methods) {
    const c = methodCodec(method);
    def[method.localName] = {
      path: c.path,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: c.serializeRequest,
      requestDeserialize: c.deserializeRequest,
      responseSerialize: c.serializeResponse,
      responseDeserialize: c.deserializeResponse,
      originalName: method.name,
    };
  }
  return def;
}
