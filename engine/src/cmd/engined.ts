// engined: the Docker Engine API daemon.
import { runDaemon } from '../daemon/daemon.js';

const VERSION = '0.1.0';

// Flags as dockerd spells them (a test checks that loadConfig accepts each one listed here).
const USAGE = `Usage: engined [OPTIONS]

The engine daemon: serves the Docker Engine API (v1.41) on a unix socket and runs containers through
containerd-ts. Settings come from /etc/engine/daemon.json (dockerd's key names) and the flags; a setting
may be given one way or the other, not both. SIGHUP reloads the file's debug, labels, registry-mirrors,
insecure-registries and max-concurrent-downloads/-uploads.

Options:
      --config-file string           daemon configuration file (default "/etc/engine/daemon.json")
      --data-root string             root of persistent state (default "/var/lib/engine")
      --exec-root string             root of runtime state (default "/run/engine")
  -H, --host list                    socket(s) to listen on: unix:///path, tcp://host:port, or fd://
                                     (the sockets systemd passes: engined.socket)
                                     (default unix:///run/engine/engine.sock)
      --containerd string            containerd-ts socket (default "/run/containerd-ts/containerd-ts.sock")
      --containerd-namespace string  containerd-ts namespace for engine containers (default "engine")
      --cgroup-parent string         parent cgroup for all containers (default "/engine")
      --registry-mirror list         preferred registry mirror for Docker Hub pulls
      --insecure-registry list       registries reached over plain HTTP
      --init-path string             path to the static init run by --init (default: tini)
  -p, --pidfile string               path to the daemon's pid file (default "<exec-root>/engined.pid")
  -b, --bridge string                default bridge ("none" for no default network) (default "engine0")
      --bip string                   the default bridge's address and prefix (default 172.17.0.1/16)
  -D, --debug                        debug logging
  -h, --help                         print this help and exit
  -v, --version                      print the version and exit
`;

const argv = process.argv.slice(2);
if (argv.some((a) => a === '--help' || a === '-h')) {
  process.stdout.write(USAGE);
} else if (argv.some((a) => a === '--version' || a === '-v')) {
  process.stdout.write(`engined version ${VERSION}\n`);
} else {
  runDaemon(argv).catch((err: unknown) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  });
}
