// Differential fixture: the same bundle run through Debian's runc (the reference) and runc-ts, each
// with its own --root (their state formats differ) and its own container id, under one cgroup parent
// of the fixture's own, so one cleanup removes both sides' containers and cgroups.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture, type Result, type SpecEdit } from './runc-fixture.js';

/** Debian's runc 1.1.5, if installed; differential suites skip without it. */
export const RUNC_REF = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));

export type Side = 'ref' | 'ours';
export const SIDES: readonly Side[] = ['ref', 'ours'];

export interface Pair<T> {
  ref: T;
  ours: T;
}

export class DifferentialFixture extends RuncFixture {
  readonly refRoot: string;

  constructor(name: string) {
    super(name);
    this.refRoot = path.join(this.tmp, 'state-ref');
  }

  /** Runs one side's binary with that side's --root. */
  on(side: Side, args: string[], opts: { timeoutMs?: number } = {}): Result {
    return side === 'ref' ? this.runTool(RUNC_REF!, this.refRoot, args, opts) : this.runc(args, opts);
  }

  /** One bundle per side from the same args and edit (they differ only in id and cgroupsPath). */
  async bundles(args: string[], edit?: SpecEdit): Promise<Pair<{ dir: string; id: string }>> {
    return { ref: await this.bundle(args, edit), ours: await this.bundle(args, edit) };
  }

  /** `run` in the foreground on each side; `extra` goes before --bundle (e.g. --no-pivot). */
  async runBoth(args: string[], edit?: SpecEdit, extra: string[] = []): Promise<Pair<Result>> {
    const b = await this.bundles(args, edit);
    return {
      ref: this.on('ref', ['run', ...extra, '--bundle', b.ref.dir, b.ref.id]),
      ours: this.on('ours', ['run', ...extra, '--bundle', b.ours.dir, b.ours.id]),
    };
  }

  override async cleanup(): Promise<void> {
    if (RUNC_REF && fs.existsSync(this.refRoot)) {
      for (const id of fs.readdirSync(this.refRoot)) this.runTool(RUNC_REF, this.refRoot, ['delete', '--force', id]);
    }
    await super.cleanup();
  }
}

/** Jest's `describe`, or `describe.skip` when Debian's runc is not installed. */
export const describeDifferential = RUNC_REF ? describe : describe.skip;
