import { runContainer } from '../../container/run.js';
import { type Command, int, oneId, str } from '../command.js';

export const command: Command = {
  name: 'run',
  summary: 'create and run a container',
  usage: '[command options] <container-id>',
  options: {
    bundle: { type: 'string', short: 'b' },
    'console-socket': { type: 'string' },
    'pid-file': { type: 'string' },
    detach: { type: 'boolean', short: 'd' },
    'no-pivot': { type: 'boolean' },
    'no-new-keyring': { type: 'boolean' },
    'preserve-fds': { type: 'string' },
    'keep': { type: 'boolean' },
  },
  help: {
    bundle: 'path to the root of the bundle directory, defaults to the current directory',
    'console-socket': 'path to an AF_UNIX socket which will receive the pty master',
    'pid-file': 'specify the file to write the process id to',
    detach: 'detach from the container\'s process',
    'no-pivot': 'do not use pivot root to jail process inside rootfs',
    'no-new-keyring': 'do not create a new session keyring for the container',
    'preserve-fds': 'pass N additional file descriptors to the container',
    keep: 'do not delete the container after it exits',
  },
  async run({ values, positionals }, rt) {
    const id = oneId('run', positionals);
    const consoleSocket = str(values['console-socket']);
    const pidFile = str(values['pid-file']);
    return runContainer(rt, {
      id,
      bundle: str(values.bundle) ?? process.cwd(),
      ...(consoleSocket !== undefined ? { consoleSocket } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
      detach: values.detach === true,
      keep: values.keep === true,
      noPivot: values['no-pivot'] === true,
      noNewKeyring: values['no-new-keyring'] === true,
      preserveFds: int(values['preserve-fds'], 'preserve-fds') ?? 0,
    });
  },
};
