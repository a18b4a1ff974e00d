import { killContainer } from '../../container/kill.js';
import { parseSignal } from '../../container/signals.js';
import { type Command, UsageError } from '../command.js';

export const command: Command = {
  name: 'kill',
  summary: 'kill sends the specified signal (default: SIGTERM) to the container\'s init process',
  usage: '[command options] <container-id> [signal]',
  options: { all: { type: 'boolean', short: 'a' } },
  help: { all: 'send the specified signal to all processes inside the container' },
  run({ values, positionals }, rt) {
    if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError(`"kill" requires 1 or 2 arguments (<container-id> [signal]), got ${positionals.length}`);
    }
    killContainer(rt, positionals[0]!, parseSignal(positionals[1] ?? 'SIGTERM'), values.all === true);
    return 0;
  },
};
