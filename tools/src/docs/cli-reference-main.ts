// npm run docs: writes docs/cli/*.md from the built binaries' help (run after `npm run build`).
// With --check, writes nothing and exits 1 naming each file that differs from what would be written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateReference } from './cli-reference.js';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../../..');
  const check = process.argv.includes('--check');
  const files = await generateReference(root);
  const stale: string[] = [];
  for (const [file, text] of files) {
    const full = path.join(root, file);
    const now = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
    if (now === text) continue;
    if (check) stale.push(file);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(`${full}.tmp`, text);
      fs.renameSync(`${full}.tmp`, full);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  if (stale.length) {
    process.stderr.write(`stale CLI reference (run npm run docs): ${stale.join(', ')}\n`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
