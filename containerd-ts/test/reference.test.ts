import { familiarName, formatReference, parseNormalized, parseReference } from '../src/core/images/reference.js';
import { parsePlatform, platformMatches } from '../src/core/images/platform.js';

describe('image references with Docker defaults', () => {
  test.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/app', 'docker.io/user/app:latest'],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest'],
    ['127.0.0.1:5000/test/img:v1', '127.0.0.1:5000/test/img:v1'],
    ['localhost/app', 'localhost/app:latest'],
    ['ghcr.io/a/b/c@sha256:' + 'a'.repeat(64), 'ghcr.io/a/b/c@sha256:' + 'a'.repeat(64)],
    ['reg.example:443/x:tag@sha256:' + 'b'.repeat(64), 'reg.example:443/x:tag@sha256:' + 'b'.repeat(64)],
  ])('%s → %s', (input, want) => {
    expect(formatReference(parseNormalized(input))).toBe(want);
  });

  test('familiar names', () => {
    expect(familiarName(parseNormalized('busybox'))).toBe('busybox:latest');
    expect(familiarName(parseNormalized('user/app:1'))).toBe('user/app:1');
    expect(familiarName(parseNormalized('127.0.0.1:5000/x'))).toBe('127.0.0.1:5000/x:latest');
  });

  test.each([
    ['', /empty/],
    ['Busybox', /lowercase/],
    ['busy box', /invalid/],
    ['busybox:', /invalid tag/],
    ['busybox@sha256:abc', /digest/],
    ['a//b', /component/],
    ['x:' + 'a'.repeat(129), /invalid tag/],
    ['-bad', /component/],
  ])('rejects %j', (input, why) => {
    expect(() => parseReference(input)).toThrow(why);
  });
});

describe('platforms', () => {
  test('parse and match', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm', variant: 'v6' })).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' })).toBe(false);
    expect(platformMatches({ os: 'linux', architecture: 'amd64' }, { os: 'windows', architecture: 'amd64' })).toBe(false);
    expect(() => parsePlatform('linux/amd64/v1/x')).toThrow(/invalid platform/);
  });
});
