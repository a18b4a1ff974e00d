import { startContainer } from '../../container/start.js';
import { type Command, oneId } from '../command.js';

export const command: Command = {
  name: 'start',
  summary: 'executes the user defined process in a created container',
  usage: '<container-id>',
  options: {},
  help: {},
  run({ positionals }, rt) {
    startContainer(rt, oneId('start', positionals));
    return 0;
  },
};
