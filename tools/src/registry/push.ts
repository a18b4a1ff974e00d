import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Registry } from './registry.js';

/**
 * Copies the image of an OCI layout into the registry as `repoAndTag` (`busybox:latest`) with
 * skopeo, keeping its digests. For tests only: the product talks to registries itself.
 * Returns the pushed reference (`127.0.0.1:PORT/busybox:latest`).
 */
export async function pushOciLayout(registry: Pick<Registry, 'host'>, layoutDir: string, repoAndTag: string, refName?: string): Promise<string> {
  const ref = `${registry.host}/${repoAndTag}`;
  const source = refName ? `oci:${layoutDir}:${refName}` : `oci:${layoutDir}`;
  const args = ['--insecure-policy', 'copy', '--quiet', '--preserve-digests', '--dest-tls-verify=false', source, `docker://${ref}`];
  try {
    await promisify(execFile)('skopeo', args, { timeout: 120_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('skopeo not found; install the Debian package skopeo');
    throw new Error(`skopeo copy to ${ref} failed: ${(e.stderr ?? e.message).trim()}`);
  }
  return ref;
}
