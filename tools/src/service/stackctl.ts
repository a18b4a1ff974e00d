// stackctl start|stop|restart|status: the stack as a service on machines without systemd (the
// units in tools/systemd do the same where it runs).
import * as path from 'node:path';
import { stackStatus, startStack, stopStack } from './stack-service.js';
import { DEFAULT_LAYOUT_FILE, readLayout } from './stack-layout.js';

const USAGE = `Usage: stackctl [--layout FILE] start|stop|restart|status

Runs the stack (containerd-ts, then engined) as a service:
  start     start the daemons that are not running, then load the install's seed images
            (hello-world) that engined lacks; logs go to the layout's log dir
  stop      stop engined, then containerd-ts (containers and published ports keep running)
  restart   stop, then start
  status    show each daemon's pid and whether it answers; exit 0 when both do, 3 otherwise

--layout FILE: the install's stack.json (default $STACK_LAYOUT or ${DEFAULT_LAYOUT_FILE};
the product's own paths when there is none).
`;

async function main(argv: string[]): Promise<number> {
  let layoutFile = process.env.STACK_LAYOUT ?? DEFAULT_LAYOUT_FILE;
  const args = [...argv];
  if (args[0] === '--layout') {
    if (args[1] === undefined) throw new Error('--layout needs a file');
    layoutFile = path.resolve(args[1]);
    args.splice(0, 2);
  }
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (rest.length > 0) throw new Error(`unexpected arguments: ${rest.join(' ')}`);
  const layout = readLayout(layoutFile);
  switch (command) {
    case 'start':
      await startStack(layout);
      return 0;
    case 'stop':
      await stopStack(layout);
      return 0;
    case 'restart':
      await stopStack(layout);
      await startStack(layout);
      return 0;
    case 'status':
      return stackStatus(layout);
    default:
      process.stderr.write(`stackctl: ${command === undefined ? 'a command is required' : `unknown command ${JSON.stringify(command)}`}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`stackctl: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
