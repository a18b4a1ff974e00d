// The message a seccomp agent receives with the listener fd: the OCI "container process state",
// fields in runc's order, empty metadata and annotations left out (Go's omitempty).
import { containerProcessState } from '../src/seccomp/notify-listener.js';

const state = { ociVersion: '1.0.2-dev', id: 'c1', status: 'creating' as const, pid: 42, bundle: '/b' };

test('metadata and annotations only when present', () => {
  expect(containerProcessState({ pid: 42, fd: 5, listenerPath: '/s', listenerMetadata: undefined, state })).toBe(
    '{"ociVersion":"1.0.2-dev","fds":["seccompFd"],"pid":42,"state":{"ociVersion":"1.0.2-dev","id":"c1","status":"creating","pid":42,"bundle":"/b"}}',
  );
  const withAll = containerProcessState({ pid: 43, fd: 5, listenerPath: '/s', listenerMetadata: 'k=v', state: { ...state, status: 'running', annotations: { a: 'b' } } });
  expect(JSON.parse(withAll)).toEqual({
    ociVersion: '1.0.2-dev',
    fds: ['seccompFd'],
    pid: 43,
    metadata: 'k=v',
    state: { ociVersion: '1.0.2-dev', id: 'c1', status: 'running', pid: 42, bundle: '/b', annotations: { a: 'b' } },
  });
  expect(JSON.parse(containerProcessState({ pid: 43, fd: 5, listenerPath: '/s', listenerMetadata: '', state: { ...state, annotations: {} } }))).not.toHaveProperty('metadata');
});
