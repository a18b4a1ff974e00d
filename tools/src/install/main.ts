// tools/install.sh and tools/uninstall.sh: install [--prefix DIR] [--state-root DIR] [--busybox PATH]
// | uninstall [--prefix DIR].
import { parseArgs } from 'node:util';
import { install } from './install.js';
import { uninstall } from './uninstall.js';

const USAGE = `Usage:
  tools/install.sh   [--prefix DIR] [--state-root DIR] [--busybox PATH]
  tools/uninstall.sh [--prefix DIR]

install puts engine, engined, ctr-ts, containerd-ts, runc-ts, shim-ts and stackctl in PREFIX/bin
(default /usr/local), bash completion for engine, the systemd units, and the hello-world and busybox
images that stackctl start loads. --state-root moves every state path (/var/lib, /run, /etc/engine,
/var/log/stack) under DIR. uninstall removes what install added and lists the data it keeps.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { prefix: { type: 'string', default: '/usr/local' }, 'state-root': { type: 'string', default: '/' }, busybox: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const say = (line: string) => console.log(line);
  if (command === 'install') {
    const m = await install({ prefix: values.prefix, stateRoot: values['state-root'], ...(values.busybox !== undefined ? { busybox: values.busybox } : {}), log: say });
    say(`installed into ${m.prefix} (${m.files.length} files; uninstall with tools/uninstall.sh --prefix ${m.prefix})`);
    return 0;
  }
  if (command === 'uninstall') {
    if (values['state-root'] !== '/' || values.busybox !== undefined) throw new Error('uninstall takes only --prefix (the state root is in the install manifest)');
    const r = await uninstall({ prefix: values.prefix, log: say });
    say(`removed ${r.removed.length} files and directories from ${values.prefix}`);
    say(r.kept.length ? `kept the stack's data (remove by hand if no longer wanted):\n${r.kept.map((p) => `  ${p}`).join('\n')}` : 'no stack data to keep');
    return 0;
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`install: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
