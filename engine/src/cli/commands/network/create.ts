// engine network create [-d bridge] [--subnet] [--gateway] [--ip-range] [--internal] [--attachable] [--label] [-o] NAME
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';

interface Args extends GlobalArgs {
  name: string;
  driver: string;
  subnet: string[];
  gateway: string[];
  'ip-range': string[];
  internal: boolean;
  attachable: boolean;
  label: string[];
  opt: string[];
}

const pairs = (l: readonly string[]) => Object.fromEntries(l.map((x) => [x.split('=', 1)[0]!, x.includes('=') ? x.slice(x.indexOf('=') + 1) : '']));
const list = { type: 'string', array: true, default: [] as string[] } as const;

export const networkCreate: CommandModule<GlobalArgs, Args> = {
  command: 'create <name>',
  describe: 'Create a network',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('name', { type: 'string', demandOption: true })
      .option('driver', { alias: 'd', type: 'string', default: 'bridge', describe: 'driver (bridge)' })
      .option('subnet', { ...list, describe: 'subnet in CIDR format, e.g. 10.5.0.0/16' })
      .option('gateway', { ...list, describe: 'gateway of the subnet' })
      .option('ip-range', { ...list, describe: 'allocate container addresses from this sub-range' })
      .option('internal', { type: 'boolean', default: false, describe: 'no access to or from outside the network' })
      .option('attachable', { type: 'boolean', default: false, describe: 'enable manual container attachment' })
      .option('label', { ...list, describe: 'metadata on the network' })
      .option('opt', { alias: 'o', ...list, describe: 'driver options' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (a.subnet.length > 1) {
      process.stderr.write('engine: only one --subnet per network is supported\n');
      exit(125);
    }
    if ((a.gateway.length > 0 || a['ip-range'].length > 0) && a.subnet.length === 0) {
      process.stderr.write('engine: every ip-range or gateway must have a corresponding subnet\n');
      exit(125);
    }
    const config = a.subnet.length ? [{ Subnet: a.subnet[0], ...(a.gateway[0] ? { Gateway: a.gateway[0] } : {}), ...(a['ip-range'][0] ? { IPRange: a['ip-range'][0] } : {}) }] : [];
    try {
      const r = await api(a).call<{ Id: string }>('POST', '/networks/create', {
        body: { Name: a.name, CheckDuplicate: true, Driver: a.driver, Internal: a.internal, Attachable: a.attachable, IPAM: { Driver: 'default', Config: config, Options: {} }, Options: pairs(a.opt), Labels: pairs(a.label) },
      });
      process.stdout.write(`${r.Id}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
