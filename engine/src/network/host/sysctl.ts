// Kernel settings a bridge network needs in the host namespace. Written through the runner so that
// they land in the namespace playing the host (/proc/sys/net is per network namespace).
import type { CommandRunner } from './command-runner.js';

export async function enableForwarding(run: CommandRunner): Promise<void> {
  await run.host(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
}
