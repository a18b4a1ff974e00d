// CRI clients for tests, generated from the runtime.v1 protos, on a test daemon's socket.
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { ImageService, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';

export interface CriClients {
  runtime: Client<MethodsOf<typeof RuntimeService>>;
  images: Client<MethodsOf<typeof ImageService>>;
  close(): void;
}

export function criClients(socket: string): CriClients {
  const channel: grpc.Client = connect(socket);
  return {
    runtime: createClient(RuntimeService, channel),
    images: createClient(ImageService, channel),
    close: () => channel.close(),
  };
}

/** The gRPC error a call failed with (fails the test when it succeeded). */
export async function callError(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error('the call succeeded but was expected to fail');
}
