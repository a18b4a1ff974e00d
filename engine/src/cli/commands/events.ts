// engine events [--since] [--until] [--filter] [--format]
import type * as Readline from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { renderTemplate } from '../format/template.js';
import { sinceValue } from './logs.js';
import { filtersQuery } from './ps.js';

interface Args extends GlobalArgs {
  since?: string | undefined;
  until?: string | undefined;
  filter: string[];
  format?: string | undefined;
}

interface Event {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  timeNano: number;
}

export const events: CommandModule<GlobalArgs, Args> = {
  command: 'events',
  describe: 'Get real time events from the engine',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('since', { type: 'string' })
      .option('until', { type: 'string' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [] })
      .option('format', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const res = await api(a).stream('GET', '/events', { query: { since: sinceValue(a.since), until: sinceValue(a.until), filters: filtersQuery(a.filter) } });
      // Required here, not at load: node:readline is not safe in the CLI's startup snapshot.
      const readline = require('node:readline') as typeof Readline;
      for await (const line of readline.createInterface({ input: res })) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as Event;
        if (a.format === 'json') process.stdout.write(`${line}\n`);
        else if (a.format) process.stdout.write(`${renderTemplate(a.format, e)}\n`);
        else {
          const t = new Date(e.timeNano / 1e6).toISOString().replace('Z', '000000Z');
          const attrs = Object.entries(e.Actor.Attributes).map(([k, v]) => `${k}=${v}`).join(', ');
          process.stdout.write(`${t} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs ? ` (${attrs})` : ''}\n`);
        }
      }
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
