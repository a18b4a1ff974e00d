// Runs the host tools networking drives (ip, iptables-restore, sysctl) in the network namespace
// that plays "the host": the daemon's own, or, for tests, a namespace of their own (via nsenter),
// so a test never touches the machine's real network.
import { execFile } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || `exit ${String(code)}`}`);
    this.name = 'CommandError';
  }
}

export interface CommandRunner {
  /** In the host namespace. */
  host(argv: readonly string[], input?: string): Promise<CommandResult>;
  /** Inside the namespace at `netnsPath` (a container's). */
  inNetns(netnsPath: string, argv: readonly string[], input?: string): Promise<CommandResult>;
  /** The argv prefix that runs a program in the host namespace ([] for the daemon's own). */
  readonly hostPrefix: readonly string[];
}

function run(argv: readonly string[], input: string | undefined): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
        reject(new CommandError(argv, code, stderr || err.message));
      } else resolve({ stdout, stderr });
    });
    child.stdin?.on('error', () => undefined); // the tool may exit before reading all input
    child.stdin?.end(input ?? '');
  });
}

/** `hostNetns`: path of the namespace to treat as the host; default the daemon's own. */
export function commandRunner(hostNetns?: string): CommandRunner {
  const hostPrefix = hostNetns ? ['nsenter', `--net=${hostNetns}`, '--'] : [];
  return {
    hostPrefix,
    host: (argv, input) => run([...hostPrefix, ...argv], input),
    inNetns: (netnsPath, argv, input) => run(['nsenter', `--net=${netnsPath}`, '--', ...argv], input),
  };
}
