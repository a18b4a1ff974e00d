import { pauseContainer } from '../../container/pause.js';
import { type Command, oneId } from '../command.js';

export const command: Command = {
  name: 'pause',
  summary: 'pause suspends all processes inside the container',
  usage: '<container-id>',
  options: {},
  help: {},
  run({ positionals }, rt) {
    pauseContainer(rt, oneId('pause', positionals));
    return 0;
  },
};
