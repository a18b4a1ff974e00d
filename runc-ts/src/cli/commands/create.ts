import { createContainer } from '../../container/create.js';
import { type Command, int, oneId, str } from '../command.js';

export const command: Command = {
  name: 'create',
  summary: 'create a container',
  usage: '[command options] <container-id>',
  options: {
    bundle: { type: 'string', short: 'b' },
    'console-socket': { type: 'string' },
    'pid-file': { type: 'string' },
    'no-pivot': { type: 'boolean' },
    'no-new-keyring': { type: 'boolean' },
    'preserve-fds': { type: 'string' },
  },
  help: {
    bundle: 'path to the root of the bundle directory, defaults to the current directory',
    'console-socket': 'path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console\'s pseudoterminal',
    'pid-file': 'specify the file to write the process id to',
    'no-pivot': 'do not use pivot root to jail process inside rootfs (chroot after moving the rootfs instead)',
    'no-new-keyring': 'do not create a new session keyring for the container',
    'preserve-fds': 'pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)',
  },
  run({ values, positionals }, rt) {
    const id = oneId('create', positionals);
    const consoleSocket = str(values['console-socket']);
    const pidFile = str(values['pid-file']);
    createContainer(rt, {
      id,
      bundle: str(values.bundle) ?? process.cwd(),
      ...(consoleSocket !== undefined ? { consoleSocket } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
      noPivot: values['no-pivot'] === true,
      noNewKeyring: values['no-new-keyring'] === true,
      preserveFds: int(values['preserve-fds'], 'preserve-fds') ?? 0,
    });
    return 0;
  },
};
