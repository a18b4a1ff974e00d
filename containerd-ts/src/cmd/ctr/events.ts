// ctr-ts events [FILTER…]: streams events until interrupted.
import type { CommandModule } from 'yargs';
import { json, out, time, withClient, type GlobalArgs } from './common.js';

export const eventsCommand: CommandModule<GlobalArgs, GlobalArgs & { filters: string[] }> = {
  command: ['events [filters..]', 'event'],
  describe: 'print events as they happen',
  builder: (y) => y.positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      process.once('SIGTERM', () => ac.abort());
      try {
        for await (const e of c.events.subscribe({ filters: argv.filters }, { signal: ac.signal })) {
          const ev = e.event ? { type: e.event.typeUrl, size: e.event.value.length } : undefined;
          if (argv.format === 'json') out(JSON.stringify({ timestamp: time(e.timestamp), namespace: e.namespace, topic: e.topic, event: ev }));
          else out(`${time(e.timestamp)} ${e.namespace} ${e.topic} ${ev ? json(ev).replace(/\s+/g, ' ') : ''}`);
        }
      } catch (err) {
        if (!ac.signal.aborted) throw err;
      }
    }),
};
