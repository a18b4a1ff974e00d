import { deleteContainer } from '../../container/delete.js';
import { type Command, oneId } from '../command.js';

export const command: Command = {
  name: 'delete',
  summary: 'delete any resources held by the container, often used with detached containers',
  usage: '[command options] <container-id>',
  options: { force: { type: 'boolean', short: 'f' } },
  help: { force: 'forcibly delete the container if it is still running (uses SIGKILL)' },
  run({ values, positionals }, rt) {
    deleteContainer(rt, oneId('delete', positionals), values.force === true);
    return 0;
  },
};
