// engine info [--format]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { humanSize } from '../format/human.js';
import { renderTemplate } from '../format/template.js';

interface Args extends GlobalArgs {
  format?: string | undefined;
}

type Info = Record<string, unknown> & { Containers: number; ContainersRunning: number; ContainersPaused: number; ContainersStopped: number; Images: number; MemTotal: number; NCPU: number };

export const info: CommandModule<GlobalArgs, Args> = {
  command: 'info',
  describe: 'Display system-wide information',
  builder: (y) => (y as Argv<GlobalArgs>).option('format', { alias: 'f', type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const i = await api(a).call<Info>('GET', '/info');
      if (a.format) {
        process.stdout.write(`${renderTemplate(a.format, i)}\n`);
        exit(0);
      }
      const lines = [
        'Server:',
        ` Containers: ${i.Containers}`,
        `  Running: ${i.ContainersRunning}`,
        `  Paused: ${i.ContainersPaused}`,
        `  Stopped: ${i.ContainersStopped}`,
        ` Images: ${i.Images}`,
        ` Server Version: ${String(i.ServerVersion)}`,
        ` Storage Driver: ${String(i.Driver)}`,
        ` Logging Driver: ${String(i.LoggingDriver)}`,
        ` Cgroup Driver: ${String(i.CgroupDriver)}`,
        ` Cgroup Version: ${String(i.CgroupVersion)}`,
        ` Default Runtime: ${String(i.DefaultRuntime)}`,
        ` Kernel Version: ${String(i.KernelVersion)}`,
        ` Operating System: ${String(i.OperatingSystem)}`,
        ` Architecture: ${String(i.Architecture)}`,
        ` CPUs: ${i.NCPU}`,
        ` Total Memory: ${humanSize(i.MemTotal)}`,
        ` Name: ${String(i.Name)}`,
        ` ID: ${String(i.ID)}`,
        ` Engine Root Dir: ${String(i.DockerRootDir)}`,
        ` Live Restore Enabled: ${String(i.LiveRestoreEnabled)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
