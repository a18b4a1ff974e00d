// CRI v1 ImageService against the registry fixture: pull (anonymous and with auth), list, status
// by tag / ID / ID prefix / repo digest, remove (idempotent), ImageFsInfo, and bad requests that
// fail clearly and leave the k8s.io namespace as it was.
import * as path from 'node:path';
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { Code } from '@stack/proto';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { multiLayer, storeState } from './support/images.js';
import { startFakeRegistry, type FakeRegistry } from './support/fake-registry.js';
import { removeTree, tempDir } from './support/temp.js';
import { callError, criClients, type CriClients } from './cri-client.js';

jest.setTimeout(60_000);

describe('CRI ImageService', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let cri: CriClients;
  let img: BuiltImage;
  const fakes: FakeRegistry[] = [];
  let empty: Awaited<ReturnType<typeof storeState>>;

  beforeAll(async () => {
    dir = tempDir('cri-images-');
    registry = await startRegistry();
    img = await multiLayer(dir);
    await pushOciLayout(registry, img.layoutDir, 'test/multi:v1');
    daemon = await startTestDaemon({ config: '' });
    cri = criClients(daemon.socket);
    empty = await storeState(daemon, 'k8s.io');
  });

  afterAll(async () => {
    cri?.close();
    for (const f of fakes) await f.stop();
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  const k8s = () => storeState(daemon, 'k8s.io');

  /** Waits for the garbage collector (scheduled after a removal) to empty the namespace's store. */
  async function collected(): Promise<Awaited<ReturnType<typeof k8s>>> {
    let s = await k8s();
    for (let i = 0; i < 40 && JSON.stringify(s) !== JSON.stringify(empty); i++) {
      await new Promise((r) => setTimeout(r, 50));
      s = await k8s();
    }
    return s;
  }

  test('pull by tag: the ID is the config digest; list, status by every name, verbose info', async () => {
    const ref = `${registry.host}/test/multi:v1`;
    const pulled = await cri.images.pullImage({ image: { image: ref } });
    expect(pulled.imageRef).toBe(img.configDigest);

    const list = await cri.images.listImages({});
    expect(list.images).toHaveLength(1);
    const [i] = list.images;
    expect(i).toMatchObject({ id: img.configDigest, repoTags: [ref], repoDigests: [`${registry.host}/test/multi@${img.manifestDigest}`], pinned: false });
    // Manifest + config + layers, as containerd counts an image's size.
    expect(Number(i?.size)).toBeGreaterThan(img.manifestSize + img.layers.reduce((n, l) => n + l.size, 0));

    for (const name of [ref, img.configDigest, img.configDigest.slice(7, 19), `${registry.host}/test/multi@${img.manifestDigest}`]) {
      const st = await cri.images.imageStatus({ image: { image: name } });
      expect(st.image?.id).toBe(img.configDigest);
    }
    const verbose = await cri.images.imageStatus({ image: { image: ref }, verbose: true });
    const info = JSON.parse(verbose.info['info'] ?? '{}') as { chainID: string; imageSpec: { rootfs: { diff_ids: string[] } } };
    expect(info.chainID).toMatch(/^sha256:/);
    expect(info.imageSpec.rootfs.diff_ids).toHaveLength(img.layers.length);

    // The records live in containerd's k8s.io namespace, as containerd's CRI keeps them.
    const names = (await ctrTs(daemon, ['-n', 'k8s.io', 'images', 'ls', '-q'])).stdout.trim().split('\n').sort();
    expect(names).toEqual([ref, `${registry.host}/test/multi@${img.manifestDigest}`, img.configDigest].sort());
    expect((await ctrTs(daemon, ['images', 'ls', '-q'])).stdout.trim()).toBe('');

    // A filter by name lists that image only; an absent one lists nothing.
    expect((await cri.images.listImages({ filter: { image: { image: ref } } })).images.map((x) => x.id)).toEqual([img.configDigest]);
    expect((await cri.images.listImages({ filter: { image: { image: `${registry.host}/test/none:v1` } } })).images).toEqual([]);
  });

  test('ImageStatus of an image that is not there answers no image, not an error', async () => {
    const st = await cri.images.imageStatus({ image: { image: `${registry.host}/test/absent:v9` } });
    expect(st.image).toBeUndefined();
    expect((await cri.images.imageStatus({ image: { image: `sha256:${'0'.repeat(64)}` } })).image).toBeUndefined();
  });

  test('ImageFsInfo reports the snapshotter root in use', async () => {
    const fsInfo = await cri.images.imageFsInfo({});
    expect(fsInfo.imageFilesystems).toHaveLength(1);
    const f = fsInfo.imageFilesystems[0];
    expect(f?.fsId?.mountpoint).toBe(path.join(daemon.root, 'io.containerd.snapshotter.v1.overlayfs'));
    expect(Number(f?.usedBytes?.value)).toBeGreaterThan(0);
    expect(Number(f?.inodesUsed?.value)).toBeGreaterThan(0);
    expect(f?.timestamp).toBeGreaterThan(0n);
  });

  test('RemoveImage removes every name of the image, its content and snapshots; removing again succeeds', async () => {
    await cri.images.removeImage({ image: { image: img.configDigest.slice(7, 19) } });
    expect((await cri.images.listImages({})).images).toEqual([]);
    expect(await collected()).toEqual(empty);
    await expect(cri.images.removeImage({ image: { image: img.configDigest } })).resolves.toBeDefined();
    await expect(cri.images.removeImage({ image: { image: `${registry.host}/test/multi:v1` } })).resolves.toBeDefined();
  });

  test('pull with credentials: username/password or Docker auth; without them the registry refuses', async () => {
    const basic = await startFakeRegistry({ upstream: registry.host, auth: { kind: 'basic', username: 'alice', password: 's3cret' } });
    fakes.push(basic);
    const ref = `${basic.host}/test/multi:v1`;
    const denied = await callError(cri.images.pullImage({ image: { image: ref } }));
    expect(denied.message).toMatch(/authorization failed \(401 Unauthorized\)/);
    const wrong = await callError(cri.images.pullImage({ image: { image: ref }, auth: { username: 'alice', password: 'nope' } }));
    expect(wrong.message).toMatch(/401/);

    expect((await cri.images.pullImage({ image: { image: ref }, auth: { username: 'alice', password: 's3cret' } })).imageRef).toBe(img.configDigest);
    await cri.images.removeImage({ image: { image: ref } });
    const auth = Buffer.from('alice:s3cret').toString('base64');
    expect((await cri.images.pullImage({ image: { image: ref }, auth: { auth, serverAddress: basic.host } })).imageRef).toBe(img.configDigest);
    expect(basic.requests.filter((q) => q.url.includes('/blobs/')).every((q) => q.authorization === `Basic ${auth}`)).toBe(true);
    await cri.images.removeImage({ image: { image: ref } });
    expect(await collected()).toEqual(empty);
  });

  test('bad requests fail clearly and leave nothing behind', async () => {
    const unset = await callError(cri.images.pullImage({}));
    expect(unset).toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'PullImage: image must be set' });
    const bad = await callError(cri.images.pullImage({ image: { image: 'Not A Ref!' } }));
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
    expect(bad.message).toMatch(/invalid reference "Not A Ref!"/);
    const token = await callError(cri.images.pullImage({ image: { image: `${registry.host}/test/multi:v1` }, auth: { registryToken: 't' } }));
    expect(token).toMatchObject({ code: Code.INVALID_ARGUMENT });
    expect(token.message).toMatch(/registry_token auth are not supported/);
    const badAuth = await callError(cri.images.pullImage({ image: { image: `${registry.host}/test/multi:v1` }, auth: { auth: Buffer.from('nocolon').toString('base64') } }));
    expect(badAuth.message).toMatch(/auth is not base64 of "username:password"/);
    const missing = await callError(cri.images.pullImage({ image: { image: `${registry.host}/test/multi:nope` } }));
    expect(missing.code).toBe(Code.NOT_FOUND);
    expect((await callError(cri.images.imageStatus({}))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await callError(cri.images.removeImage({ image: { image: 'Not A Ref!' } }))).code).toBe(Code.INVALID_ARGUMENT);
    expect(await collected()).toEqual(empty);
  });
});
