// shim-ts start | serve | delete — the per-group container supervisor.
import { parseArgs } from 'node:util';
import { cleanupTask } from '../daemon/cleanup.js';
import { keep } from '../daemon/keeper.js';
import { serve } from '../daemon/serve.js';
import { DEFAULT_RUNTIME_ROOT, DEFAULT_STATE_DIR } from '../daemon/shim-paths.js';
import { startShim } from '../daemon/start.js';
import { SHIM_VERSION } from '../server/task-service.js';

const USAGE = `shim-ts: the per-group container supervisor that containerd-ts starts (one per namespace
or group); it holds each container's stdio and exit status and outlives containerd-ts.

usage:
  shim-ts start  [--state-dir DIR] [--runtime-root DIR] [--keeper] (--group G | --namespace NS)
      print the address of the group's shim, starting it if needed (--keeper: under a keeper
      that records the exits of its containers if the shim dies)
  shim-ts keep   [--state-dir DIR] [--runtime-root DIR] --group G
      run the keeper and, as its child, the shim (what start --keeper spawns)
  shim-ts serve  [--state-dir DIR] [--runtime-root DIR] --group G
      run the shim (what start spawns)
  shim-ts delete [--state-dir DIR] [--runtime-root DIR] --group G --namespace NS --id ID --bundle DIR
      clean up a task whose shim died; prints {"pid","exitStatus","exitedAt"}
  shim-ts --help | --version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${SHIM_VERSION}\n`);
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
      'runtime-root': { type: 'string', default: DEFAULT_RUNTIME_ROOT },
      group: { type: 'string' },
      namespace: { type: 'string' },
      id: { type: 'string' },
      bundle: { type: 'string' },
      address: { type: 'string' },
      keeper: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const stateDir = values['state-dir']!;
  const runtimeRoot = values['runtime-root']!;
  const group = values.group ?? values.namespace;
  switch (command) {
    case 'start':
      if (!group) throw new Error('start needs --group or --namespace');
      process.stdout.write(`${await startShim({ stateDir, group, runtimeRoot, keeper: values.keeper ?? false })}\n`);
      return 0;
    case 'keep':
      if (!group) throw new Error('keep needs --group');
      keep({ stateDir, group, runtimeRoot });
      return -1; // keep running
    case 'serve':
      if (!group) throw new Error('serve needs --group');
      await serve({ stateDir, group, runtimeRoot });
      return -1; // keep running
    case 'delete': {
      const { namespace, id, bundle } = values;
      if (!group || !namespace || !id || !bundle) throw new Error('delete needs --group, --namespace, --id and --bundle');
      process.stdout.write(`${JSON.stringify(cleanupTask({ stateDir, group, runtimeRoot, namespace, id, bundle }))}\n`);
      return 0;
    }
    default:
      process.stderr.write(`shim-ts: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`shim-ts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
