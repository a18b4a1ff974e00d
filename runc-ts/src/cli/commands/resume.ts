import { resumeContainer } from '../../container/pause.js';
import { type Command, oneId } from '../command.js';

export const command: Command = {
  name: 'resume',
  summary: 'resumes all processes that have been previously paused',
  usage: '<container-id>',
  options: {},
  help: {},
  run({ positionals }, rt) {
    resumeContainer(rt, oneId('resume', positionals));
    return 0;
  },
};
