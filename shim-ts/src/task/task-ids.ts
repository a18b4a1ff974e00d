// Namespaces, task ids and exec ids name directories (exit records, runtime roots): each must be
// one safe path component (runc's id rule) before any path is built from it.
import { GrpcError } from '@stack/proto';
import { isValidId } from '@stack/runc-ts';

export function checkId(kind: 'namespace' | 'task id' | 'exec id', value: string): string {
  if (!isValidId(value)) throw GrpcError.invalidArgument(`invalid ${kind} ${JSON.stringify(value)}: invalid container ID format`);
  return value;
}
