// engine completion bash: prints the bash completion script (commands, flags, and container, image
// and volume names asked from the engine while completing).
import type { Argv, CommandModule } from 'yargs';
import { exit, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  shell: string;
}

export function completionCommand(printScript: () => void): CommandModule<GlobalArgs, Args> {
  return {
    command: 'completion [shell]',
    describe: 'Print the shell completion script (engine completion bash >> ~/.bashrc)',
    builder: (y) => (y as Argv<GlobalArgs>).positional('shell', { type: 'string', choices: ['bash'], default: 'bash' }) as unknown as Argv<Args>,
    handler: () => {
      printScript();
      exit(0);
    },
  };
}
