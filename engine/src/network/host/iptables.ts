// Applies a rendered rule set (see iptables-rules.ts) with one iptables-save and one
// iptables-restore: the save tells which jumps from the built-in chains are missing (first run,
// or someone flushed the tables), the restore rewrites our chains and adds those jumps atomically.
import type { CommandRunner } from './command-runner.js';
import { JUMPS, jumpKey, purgeInput, restoreInput, scanSave, type RuleSet } from './iptables-rules.js';

export async function syncRules(run: CommandRunner, rules: RuleSet): Promise<void> {
  const { stdout } = await run.host(['iptables-save']);
  const { jumps } = scanSave(stdout);
  const missing = JUMPS.filter((j) => !jumps.has(jumpKey(j)));
  await run.host(['iptables-restore', '-w', '--noflush'], restoreInput(rules, missing));
}

/** Removes our chains and the jumps into them. */
export async function purgeRules(run: CommandRunner): Promise<void> {
  const { stdout } = await run.host(['iptables-save']);
  const { jumps, chains } = scanSave(stdout);
  const present = JUMPS.filter((j) => jumps.has(jumpKey(j)));
  await run.host(['iptables-restore', '-w', '--noflush'], purgeInput(present, chains));
}

/** Our rules as `iptables-save` shows them (for inspection and tests). */
export async function dumpRules(run: CommandRunner): Promise<string> {
  const { stdout } = await run.host(['iptables-save']);
  return stdout
    .split('\n')
    .filter((l) => l.includes('ENGINE-'))
    .join('\n');
}
