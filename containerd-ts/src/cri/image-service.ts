// ImageService: images pulled through containerd-ts's own pull code into the `k8s.io` namespace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import type { ImageService, AuthConfig } from '@stack/proto/gen/runtime/v1/api_pb';
import { formatReference, parseNormalized, repositoryName } from '../core/images/reference.js';
import { pull } from '../core/transfer/pull.js';
import { CRI_CTX, imageUser, MANAGED_LABEL, type CriImage } from './images.js';
import { nowNanos, type CriDeps } from './deps.js';

type Impl = ServiceImpl<(typeof ImageService)['method']>;

function imageMsg(img: CriImage) {
  const user = imageUser(img.config);
  return {
    id: img.id,
    repoTags: img.repoTags,
    repoDigests: img.repoDigests,
    size: BigInt(img.size),
    ...(user.uid !== undefined ? { uid: { value: user.uid } } : {}),
    username: user.username ?? '',
    spec: { image: img.id, annotations: {} },
    pinned: false,
  };
}

/** Registry credentials from CRI's AuthConfig: user and password, or Docker's base64 `auth`. */
export function credentialsOf(auth: AuthConfig | undefined): { username: string; password: string } | undefined {
  if (!auth) return undefined;
  if (auth.identityToken || auth.registryToken) {
    throw new GrpcError(Code.INVALID_ARGUMENT, 'PullImage: identity_token and registry_token auth are not supported; send username and password (or auth)');
  }
  if (auth.username || auth.password) return { username: auth.username, password: auth.password };
  if (auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) throw new GrpcError(Code.INVALID_ARGUMENT, 'PullImage: auth is not base64 of "username:password"');
    return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  return undefined;
}

/** Disk and inode use of a tree (allocated blocks, as du counts them); entries that vanish mid-walk are skipped. */
async function usage(dir: string): Promise<{ bytes: bigint; inodes: bigint }> {
  let bytes = 0n;
  let inodes = 0n;
  const seen = new Set<bigint>();
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await fs.promises.lstat(p, { bigint: true });
    } catch {
      return;
    }
    if (st.nlink > 1n) {
      if (seen.has(st.ino)) return;
      seen.add(st.ino);
    }
    bytes += st.blocks * 512n;
    inodes++;
    if (!st.isDirectory()) return;
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(p);
    } catch {
      return;
    }
    for (const n of names) await walk(path.join(p, n));
  };
  await walk(dir);
  return { bytes, inodes };
}

export function imageService(deps: CriDeps): Impl {
  const spec = (s: string | undefined, rpc: string): string => {
    if (!s) throw new GrpcError(Code.INVALID_ARGUMENT, `${rpc}: image must be set`);
    return s;
  };
  return {
    async listImages(req) {
      const want = req.filter?.image?.image;
      const all = await deps.images.list();
      if (!want) return { images: all.map(imageMsg) };
      const img = await deps.images.find(want);
      return { images: img ? [imageMsg(img)] : [] };
    },

    async imageStatus(req) {
      const img = await deps.images.find(spec(req.image?.image, 'ImageStatus'));
      if (!img) return { info: {} };
      const info: Record<string, string> = {};
      if (req.verbose) {
        info['info'] = JSON.stringify({ chainID: img.chainId ?? '', target: img.target, manifest: img.manifest, imageSpec: img.config, names: img.records.map((r) => r.name) });
      }
      return { image: imageMsg(img), info };
    },

    async pullImage(req, call) {
      const reference = spec(req.image?.image, 'PullImage');
      const ref = parseNormalized(reference);
      const credentials = credentialsOf(req.auth);
      const labels = { [MANAGED_LABEL]: 'managed' };
      const res = await pull(
        deps.transfer,
        CRI_CTX,
        { reference, unpack: true, labels, signal: call.signal, ...(credentials ? { credentials } : {}) },
        () => undefined,
      );
      const img = await deps.images.get(res.name);
      // The repo digest and the ID name the image too, as containerd's CRI records them.
      const target = { ...res.target, annotations: {} };
      const names = [img.id];
      if (ref.digest === undefined) names.push(`${repositoryName(ref)}@${res.target.digest}`);
      for (const name of names) if (name !== formatReference(ref)) deps.transfer.images.put(CRI_CTX, { name, labels, target });
      return { imageRef: img.id };
    },

    async removeImage(req) {
      const img = await deps.images.find(spec(req.image?.image, 'RemoveImage'));
      // Removing an image that is not there succeeds (kubelet retries removals).
      if (!img) return {};
      for (const r of img.records) {
        try {
          deps.transfer.images.delete(CRI_CTX, r.name);
        } catch {
          // removed meanwhile
        }
      }
      deps.gc.schedule();
      return {};
    },

    async imageFsInfo() {
      const u = await usage(deps.imageFsDir);
      return {
        imageFilesystems: [{ timestamp: nowNanos(), fsId: { mountpoint: deps.imageFsDir }, usedBytes: { value: u.bytes }, inodesUsed: { value: u.inodes } }],
        containerFilesystems: [],
      };
    },
  };
}
