import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultSpec } from '../../spec/default-spec.js';
import { type Command, str, UsageError } from '../command.js';

export const command: Command = {
  name: 'spec',
  summary: 'create a new specification file (config.json)',
  usage: '[command options]',
  options: { bundle: { type: 'string', short: 'b' }, rootless: { type: 'boolean' } },
  help: { bundle: 'path to the root of the bundle directory', rootless: 'generate a configuration for a rootless container' },
  run({ values, positionals }) {
    if (positionals.length) throw new UsageError('"spec" takes no arguments');
    const file = path.join(str(values.bundle) ?? '.', 'config.json');
    if (fs.existsSync(file)) throw new Error(`File ${file} exists. Remove it first`);
    const spec = defaultSpec(values.rootless ? { rootless: true, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 } : {});
    fs.writeFileSync(file, JSON.stringify(spec, null, '\t') + '\n', { mode: 0o666 });
    return 0;
  },
};
