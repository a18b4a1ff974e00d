// engine version [--format]: the client's and the server's versions.
import type { Argv, CommandModule } from 'yargs';
import { API_PREFIX } from '../api-client.js';
import { api, exit, type GlobalArgs } from '../context.js';
import { renderTemplate } from '../format/template.js';

interface Args extends GlobalArgs {
  format?: string | undefined;
}

export const CLIENT = { Version: '0.1.0', ApiVersion: API_PREFIX.slice(2), Os: 'linux', Arch: process.arch === 'x64' ? 'amd64' : process.arch, GoVersion: `node ${process.version}` };

export const version: CommandModule<GlobalArgs, Args> = {
  command: 'version',
  describe: 'Show the engine version information',
  builder: (y) => (y as Argv<GlobalArgs>).option('format', { alias: 'f', type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    let server: Record<string, unknown> | undefined;
    let error: string | undefined;
    try {
      server = await api(a).call<Record<string, unknown>>('GET', '/version');
    } catch (err) {
      error = (err as Error).message;
    }
    if (a.format) {
      process.stdout.write(`${renderTemplate(a.format, { Client: CLIENT, Server: server })}\n`);
      exit(error ? 1 : 0);
    }
    process.stdout.write(`Client:\n Version:    ${CLIENT.Version}\n API version: ${CLIENT.ApiVersion}\n Node:       ${process.version}\n OS/Arch:    ${CLIENT.Os}/${CLIENT.Arch}\n\n`);
    if (server) {
      process.stdout.write(`Server:\n Engine:\n  Version:    ${String(server.Version)}\n  API version: ${String(server.ApiVersion)} (minimum version ${String(server.MinAPIVersion)})\n  OS/Arch:    ${String(server.Os)}/${String(server.Arch)}\n  Kernel:     ${String(server.KernelVersion)}\n`);
      for (const c of (server.Components as Array<{ Name: string; Version: string }> | undefined) ?? []) if (c.Name !== 'Engine') process.stdout.write(` ${c.Name}:\n  Version:    ${c.Version}\n`);
    } else process.stderr.write(`${error ?? ''}\n`);
    exit(error ? 1 : 0);
  },
};
