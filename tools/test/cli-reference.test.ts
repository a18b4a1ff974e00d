// The generated CLI reference (docs/cli/*.md) is what the built binaries' --help says now: this fails
// when a command's definition changed and `npm run docs` was not run. Also the help parsing itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateReference } from '../src/docs/cli-reference.js';
import { subcommands } from '../src/docs/help-tree.js';

const ROOT = path.resolve(__dirname, '../../..');

test('yargs and urfave/cli help pages: the subcommands they list', () => {
  const yargsHelp = [
    'ctr-ts leases',
    '',
    'Commands:',
    '  ctr-ts leases ls [filters..]     list all active leases        [aliases: list]',
    '  ctr-ts leases delete <ids..>     delete a lease',
    '                                   (continued)',
    '',
    'Options:',
    '  ctr-ts leases bogus  not in the Commands section',
  ].join('\n');
  expect(subcommands(yargsHelp, 'ctr-ts', ['leases'], 'yargs')).toEqual(['ls', 'delete']);
  expect(subcommands('Commands:\n  engine run <image>  Run\n  engine ps  List\n', 'engine', [], 'yargs')).toEqual(['run', 'ps']);
  const urfave = 'COMMANDS:\n   create    create a container\n   delete    delete it\n   help, h   Shows a list of commands\n\nGLOBAL OPTIONS:\n   --debug  x\n';
  expect(subcommands(urfave, 'runc-ts', [], 'urfave')).toEqual(['create', 'delete']);
  expect(subcommands('no commands here', 'x', [], 'yargs')).toEqual([]);
});

test('docs/cli/*.md match the binaries\' help (run `npm run docs` if not)', async () => {
  const files = await generateReference(ROOT);
  expect([...files.keys()].sort()).toEqual(['docs/cli/ctr-ts.md', 'docs/cli/engine.md', 'docs/cli/runc-ts.md']);
  for (const [file, text] of files) {
    const committed = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '(missing)';
    // Compared as a whole, named, so the failure says which file is stale.
    expect({ file, upToDate: committed === text }).toEqual({ file, upToDate: true });
  }
  // Every command of every binary has its section.
  expect(files.get('docs/cli/engine.md')).toMatch(/^## engine container ls$/m);
  expect(files.get('docs/cli/ctr-ts.md')).toMatch(/^## ctr-ts leases create$/m);
  expect(files.get('docs/cli/runc-ts.md')).toMatch(/^## runc-ts create$/m);
}, 600_000);
