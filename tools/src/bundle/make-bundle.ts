import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLayoutImage } from '../image/read-layout.js';
import type { BuiltImage } from '../image/write-image.js';
import { resolveImageUser } from './image-user.js';
import { defaultRuntimeSpec, type RuntimeSpec } from './runtime-spec.js';
import { applyLayer } from './unpack-layer.js';

export interface MakeBundleOptions {
  /** A built image, or the path of an OCI layout holding one image. */
  image: BuiltImage | string;
  bundleDir: string;
  /** process.args; default the image's Entrypoint + Cmd. */
  args?: string[];
  /** Which manifest of the layout (by ref name); default the only one. */
  refName?: string;
  hostname?: string;
}

export interface Bundle {
  bundleDir: string;
  rootfs: string;
  configPath: string;
  spec: RuntimeSpec;
}

/** Unpacks an image into `<bundleDir>/rootfs` and writes `<bundleDir>/config.json`; nothing is left on failure. */
export async function makeBundle(opts: MakeBundleOptions): Promise<Bundle> {
  const layoutDir = typeof opts.image === 'string' ? opts.image : opts.image.layoutDir;
  const refName = opts.refName ?? (typeof opts.image === 'string' ? undefined : opts.image.refName);
  const image = readLayoutImage(layoutDir, refName);

  const bundleDir = path.resolve(opts.bundleDir);
  const rootfs = path.join(bundleDir, 'rootfs');
  const configPath = path.join(bundleDir, 'config.json');
  if (fs.existsSync(configPath) || (fs.existsSync(rootfs) && fs.readdirSync(rootfs).length > 0)) {
    throw new Error(`bundle ${bundleDir} already holds a config.json or a non-empty rootfs`);
  }
  const createdTop = fs.mkdirSync(bundleDir, { recursive: true });
  try {
    fs.mkdirSync(rootfs, { recursive: true, mode: 0o755 });
    fs.chmodSync(rootfs, 0o755);
    image.layers.forEach((layer, i) => applyLayer(rootfs, layer.file, `layer ${i} (${layer.digest})`));

    const cfg = image.config.config;
    const args = opts.args ?? [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
    if (args.length === 0) throw new Error(`image ${image.manifestDigest} has no Entrypoint or Cmd; pass args`);
    const user = resolveImageUser(rootfs, cfg.User);
    const spec = defaultRuntimeSpec({
      args,
      env: cfg.Env,
      cwd: cfg.WorkingDir || '/',
      uid: user.uid,
      gid: user.gid,
      hostname: opts.hostname ?? 'runc',
    });
    fs.writeFileSync(configPath, `${JSON.stringify(spec, null, 2)}\n`, { mode: 0o644 });
    return { bundleDir, rootfs, configPath, spec };
  } catch (err) {
    fs.rmSync(rootfs, { recursive: true, force: true });
    fs.rmSync(configPath, { force: true });
    if (createdTop) fs.rmSync(createdTop, { recursive: true, force: true });
    throw err;
  }
}
