// OCI documents inside containerd's google.protobuf.Any fields: JSON bytes under the spec's type URLs.
export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
export const RESOURCES_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

export function jsonAny(typeUrl: string, value: unknown): { typeUrl: string; value: Uint8Array } {
  return { typeUrl, value: Buffer.from(JSON.stringify(value)) };
}

export function fromJsonAny<T>(any: { value: Uint8Array } | undefined): T | undefined {
  if (!any || any.value.length === 0) return undefined;
  return JSON.parse(Buffer.from(any.value).toString('utf8')) as T;
}
