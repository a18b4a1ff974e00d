// A stack of ours and, beside it, Debian's dockerd on its own containerd, both holding the same
// busybox image: what every differential suite starts. The reference daemons live under the stack's
// directory, so its clean-up also unmounts and removes what dockerd leaves behind.
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type ReferenceContainerd, type ReferenceDockerd } from '@stack/tools';
import { startStack, type Stack } from './stack.js';

export interface BesideDockerd {
  s: Stack;
  dockerd: ReferenceDockerd;
  /** Removes the named reference containers, then stops both sides (each even if another step failed). */
  stop(containers?: readonly string[]): Promise<void>;
}

export async function startBesideDockerd(opts: Parameters<typeof startStack>[0] = {}): Promise<BesideDockerd> {
  const s = await startStack(opts);
  let containerd: ReferenceContainerd | undefined;
  let dockerd: ReferenceDockerd | undefined;
  const stop = async (containers: readonly string[] = []) => {
    try {
      if (dockerd && containers.length) await dockerd.docker(['rm', '-f', ...containers]).catch(() => undefined);
      await dockerd?.stop();
    } finally {
      try {
        await containerd?.stop();
      } finally {
        await s.cleanup();
      }
    }
  };
  try {
    containerd = await startReferenceContainerd({ dir: path.join(s.dir, 'ref-containerd') });
    dockerd = await startReferenceDockerd({ containerdSocket: containerd.socket, dir: path.join(s.dir, 'ref-dockerd') });
    const loaded = await dockerd.docker(['load', '-i', s.busyboxArchive]);
    if (loaded.code !== 0) throw new Error(`docker load on the reference dockerd: ${loaded.stderr}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { s, dockerd, stop };
}
