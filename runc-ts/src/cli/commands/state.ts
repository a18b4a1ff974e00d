import { ociState } from '../../container/container-status.js';
import { type Command, oneId } from '../command.js';

export const command: Command = {
  name: 'state',
  summary: 'output the state of a container',
  usage: '<container-id>',
  options: {},
  help: {},
  run({ positionals }, rt) {
    const state = rt.store.load(oneId('state', positionals));
    process.stdout.write(JSON.stringify(ociState(rt.store, state), null, 2) + '\n');
    return 0;
  },
};
