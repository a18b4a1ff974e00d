// Pushing to a registry that demands credentials: every blob upload of a push meets the 401 at once
// (they run concurrently), and each must retry with the credentials, for Basic and token auth.
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { TokenAuth } from '../src/core/remotes/token-auth.js';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { multiLayer } from './support/images.js';
import { startFakeRegistry, type FakeRegistry } from './support/fake-registry.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

describe('challenge handling', () => {
  const creds = () => ({ username: 'u', password: 'p' });
  const basic = 'Basic realm="r"';

  test('requests that went without credentials all retry; refused Basic credentials are final', () => {
    const auth = new TokenAuth(creds);
    // Three concurrent requests, all sent before any challenge was known.
    expect([1, 2, 3].map(() => auth.handleChallenge('h', basic, undefined))).toEqual([true, true, true]);
    expect(auth.handleChallenge('h', basic, `Basic ${Buffer.from('u:p').toString('base64')}`)).toBe(false);
    expect(new TokenAuth(() => undefined).handleChallenge('h', basic, undefined)).toBe(false);
    expect(auth.handleChallenge('h', null, undefined)).toBe(false);
  });

  test('a refused Bearer token is retried (fetched anew)', () => {
    const auth = new TokenAuth(creds);
    expect(auth.handleChallenge('h', 'Bearer realm="http://127.0.0.1:1/token"', 'Bearer old')).toBe(true);
  });
});

describe('ctr-ts images push -u to a registry with auth', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let multi: BuiltImage;
  const fakes: FakeRegistry[] = [];

  beforeAll(async () => {
    dir = tempDir('push-auth-');
    registry = await startRegistry();
    daemon = await startTestDaemon();
    multi = await multiLayer(dir);
    await pushOciLayout(registry, multi.layoutDir, 'test/multi:v1');
    const pulled = await ctrTs(daemon, ['images', 'pull', '--plain', `${registry.host}/test/multi:v1`]);
    if (pulled.code !== 0) throw new Error(pulled.stderr);
  });

  afterAll(async () => {
    for (const f of fakes) await f.stop();
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  test.each([
    ['basic', { kind: 'basic' as const, username: 'user', password: 'pass' }],
    ['token', { kind: 'bearer' as const, tokenNeedsBasic: { username: 'user', password: 'pass' } }],
  ])('%s auth: every upload retries with credentials and the push succeeds', async (kind, auth) => {
    const f = await startFakeRegistry({ upstream: registry.host, auth });
    fakes.push(f);
    const target = `${f.host}/pushed/${kind}:v1`;
    expect((await ctrTs(daemon, ['images', 'tag', `${registry.host}/test/multi:v1`, target])).code).toBe(0);
    const pushed = await ctrTs(daemon, ['images', 'push', '--plain', '-u', 'user:pass', target]);
    // (--plain progress goes to stderr, one line per status change.)
    expect(pushed.stderr).toContain(`${target}: done`);
    expect(pushed.stderr).not.toMatch(/\b401\b|unauth/i);
    expect(pushed.code).toBe(0);
    // Several concurrent blob requests met the challenge, and each came again with credentials.
    const api = f.requests.filter((r) => r.url.includes('/blobs/'));
    const unauth = api.filter((r) => !r.authorization);
    expect(unauth.length).toBeGreaterThanOrEqual(2);
    for (const u of unauth) expect(api.some((r) => r.authorization && r.method === u.method && r.url === u.url)).toBe(true);
    // A fresh pull through the registry gets the same manifest.
    const pulled = await ctrTs(daemon, ['-n', `pull${kind}`, 'images', 'pull', '--plain', '-u', 'user:pass', target]);
    expect(pulled.code).toBe(0);
    expect((await ctrTs(daemon, ['-n', `pull${kind}`, 'images', 'ls', '-q'])).stdout).toContain(target);
    expect(multi.layers.length).toBeGreaterThanOrEqual(2);
  });
});
