// ctr-ts leases create [--id ID] [--expires DURATION] [KEY=VALUE…]: a lease that keeps what is added
// to it from garbage collection until it is deleted or expires (containerd.io/gc.expire, as ctr sets it).
import { randomBytes } from 'node:crypto';
import type { CommandModule } from 'yargs';
import { out, parseLabels, withClient, type GlobalArgs } from '../common.js';
import { parseGoDuration } from '../go-duration.js';

interface Args extends GlobalArgs {
  labels: string[];
  id: string | undefined;
  expires: string;
}

/** containerd's random lease ID: the clock's nanoseconds, a dash, 3 random bytes in URL base64. */
export function randomLeaseId(): string {
  const nanos = (process.hrtime.bigint() % 1_000_000_000n).toString();
  return `${nanos}-${randomBytes(3).toString('base64url')}`;
}

export const leasesCreate: CommandModule<GlobalArgs, Args> = {
  command: 'create [labels..]',
  describe: 'create a lease',
  builder: (y) =>
    y
      .positional('labels', { type: 'string', array: true, default: [], describe: 'KEY=VALUE labels of the lease' })
      .option('id', { type: 'string', describe: 'the lease ID (default: generated)' })
      .option('expires', { alias: 'x', type: 'string', default: '24h', describe: 'expiration of the lease, a Go duration (0: never)' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const labels = parseLabels(argv.labels);
      const ms = parseGoDuration(argv.expires);
      if (ms < 0) throw new Error(`invalid --expires ${JSON.stringify(argv.expires)}: must not be negative`);
      if (ms > 0) labels['containerd.io/gc.expire'] = new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
      const { lease } = await c.leases.create({ id: argv.id ?? randomLeaseId(), labels });
      out(lease?.id ?? '');
    }),
};
