// The stack's own hello-world image, built at install from the host's static busybox (no network):
// a script that explains, as Docker's hello-world does, what just happened to run it.
import { checkStaticBusybox, DEFAULT_BUSYBOX } from './busybox.js';
import { DEFAULT_PATH } from './image-config.js';
import { writeOciImage, type BuiltImage } from './write-image.js';

export const HELLO_WORLD_TAG = 'hello-world:latest';

/** The message's first line, which tests and the quickstart look for. */
export const HELLO_WORLD_GREETING = 'Hello from engine!';

export interface BuildHelloWorldImageOptions {
  outDir: string;
  /** A statically linked busybox; default /bin/busybox (Debian busybox-static). */
  busybox?: string;
  archivePath?: string;
  repoTag?: string;
}

const SCRIPT = `#!/bin/busybox sh
# Prints how this container came to run (the image's only program besides busybox).
/bin/busybox cat <<MESSAGE

${HELLO_WORLD_GREETING}
This message shows that your installation appears to be working correctly.

To generate this message, the stack took these steps:
 1. The engine client asked engined (the Docker Engine API daemon) to run "hello-world".
 2. engined found the image hello-world:latest in containerd-ts, which stored it when the
    stack loaded it at start (built on this machine at install: nothing was downloaded).
 3. engined asked containerd-ts to create a container and start its task; containerd-ts
    prepared an overlay snapshot of the image as the container's root filesystem.
 4. containerd-ts handed the task to shim-ts, the small supervisor that holds the
    container's output and exit status and outlives the daemons above it.
 5. shim-ts had runc-ts, the OCI runtime, make the namespaces, mounts and cgroup and
    start this script (in container $(/bin/busybox hostname)).
 6. shim-ts passed this output back up through containerd-ts and engined to your terminal.

To try something more ambitious, run a shell in a busybox container:
 $ engine run -it busybox sh

Documentation: the docs/ folder of the container-stack repository.

MESSAGE
`;

/** A one-layer image: /bin/busybox and the /hello script, with Cmd ["/hello"]. */
export async function buildHelloWorldImage(opts: BuildHelloWorldImageOptions): Promise<BuiltImage> {
  const busybox = opts.busybox ?? DEFAULT_BUSYBOX;
  checkStaticBusybox(busybox);
  return writeOciImage({
    outDir: opts.outDir,
    layers: [
      {
        entries: [
          { path: 'bin', type: 'dir' },
          { path: 'bin/busybox', type: 'file', source: busybox, mode: 0o755 },
          { path: 'hello', type: 'file', content: SCRIPT, mode: 0o755 },
        ],
        createdBy: 'hello: a busybox script explaining engine -> containerd-ts -> shim-ts -> runc-ts',
      },
    ],
    config: { cmd: ['/hello'], env: [DEFAULT_PATH] },
    repoTag: opts.repoTag ?? HELLO_WORLD_TAG,
    ...(opts.archivePath !== undefined ? { archivePath: opts.archivePath } : {}),
  });
}
