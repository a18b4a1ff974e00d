// Applies a rendered rule set (see iptables-rules.ts) with one iptables-restore that rewrites our
// chains atomically. The first sync (and the first after `verifyJumps` is asked for again, as
// recovery does) also reads iptables-save to add the jumps from the built-in chains that are
// missing: on a fresh host, or after someone flushed the tables.
import type { CommandRunner } from './command-runner.js';
import { JUMPS, jumpKey, purgeInput, restoreInput, scanSave, type RuleSet } from './iptables-rules.js';

export async function syncRules(run: CommandRunner, rules: RuleSet, verifyJumps: boolean, tables: readonly ('filter' | 'nat')[]): Promise<void> {
  let missing: typeof JUMPS = [];
  if (verifyJumps) {
    const { stdout } = await run.host(['iptables-save']);
    const { jumps } = scanSave(stdout);
    missing = JUMPS.filter((j) => !jumps.has(jumpKey(j)));
  }
  if (tables.length === 0 && missing.length === 0) return;
  await run.host(['iptables-restore', '-w', '--noflush'], restoreInput(rules, missing, tables));
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
