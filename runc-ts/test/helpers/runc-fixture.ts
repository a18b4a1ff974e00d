// Per-test-file fixture: a busybox image, bundles made from it, a private --root and cgroup parent,
// and a cleanup that removes containers, cgroups and temp dirs even when a test failed.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxImage, makeBundle, removeCgroupTree, type BuiltImage } from '@stack/tools';
import type { Spec } from '../../src/spec/types.js';

export const RUNC_TS = path.resolve(__dirname, '../../../bin/runc-ts');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export type SpecEdit = (spec: Spec) => void;

export class RuncFixture {
  readonly tmp: string;
  readonly root: string;
  /** A cgroup parent of this fixture's own, e.g. /runc-ts-test-ab12cd. */
  readonly cgroupParent: string;
  private image?: BuiltImage;
  private n = 0;
  private calls = 0;

  constructor(name: string) {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `runc-ts-${name}-`));
    fs.chmodSync(this.tmp, 0o755); // user-namespace containers run as an unprivileged host uid
    this.root = path.join(this.tmp, 'state');
    this.cgroupParent = `/runc-ts-test-${path.basename(this.tmp).split('-').pop()}`;
  }

  async init(): Promise<void> {
    this.image = await buildBusyboxImage({ outDir: path.join(this.tmp, 'image') });
  }

  /** A fresh bundle running `args`; `edit` changes the spec before it is written. */
  async bundle(args: string[], edit?: SpecEdit): Promise<{ dir: string; id: string }> {
    const id = `c${++this.n}`;
    const dir = path.join(this.tmp, `bundle-${id}`);
    const b = await makeBundle({ image: this.image!, bundleDir: dir, args, hostname: 'testhost' });
    const spec = JSON.parse(fs.readFileSync(b.configPath, 'utf8')) as Spec;
    spec.linux!.cgroupsPath = `${this.cgroupParent}/${id}`;
    edit?.(spec);
    fs.writeFileSync(b.configPath, JSON.stringify(spec, null, 2));
    return { dir, id };
  }

  /**
   * Runs runc-ts to completion. Output goes through files, not pipes: a created or detached
   * container inherits runc-ts's stdio, and a pipe would stay open as long as the container runs.
   */
  runc(args: string[], opts: { timeoutMs?: number } = {}): Result {
    return this.runTool(RUNC_TS, this.root, args, opts);
  }

  /** Runs `bin --root root args` to completion (output through files, as `runc` says why). */
  protected runTool(bin: string, root: string, args: string[], opts: { timeoutMs?: number } = {}): Result {
    const out = path.join(this.tmp, `out-${++this.calls}`);
    const err = `${out}.err`;
    const outFd = fs.openSync(out, 'w');
    const errFd = fs.openSync(err, 'w');
    let r: SpawnSyncReturns<Buffer>;
    try {
      r = spawnSync(bin, ['--root', root, ...args], { stdio: ['ignore', outFd, errFd], timeout: opts.timeoutMs ?? 60_000 });
    } finally {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
    }
    const result = { code: r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0), stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
    fs.rmSync(out);
    fs.rmSync(err);
    return result;
  }

  /** `runc-ts run` in the background; resolves with its result. */
  runAsync(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): { child: ReturnType<typeof spawn>; done: Promise<Result> } {
    const child = spawn(RUNC_TS, ['--root', this.root, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<Result>((resolve) => child.on('close', (code, sig) => resolve({ code: code ?? 128 + (sig ? os.constants.signals[sig] : 0), stdout, stderr })));
    return { child, done };
  }

  /** Runs a container in the foreground and returns what its process printed. */
  async exec(args: string[], edit?: SpecEdit): Promise<Result> {
    const b = await this.bundle(args, edit);
    return this.runc(['run', '--bundle', b.dir, b.id]);
  }

  cgroupDirs(sub = ''): string[] {
    const out: string[] = [];
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      const d = path.join('/sys/fs/cgroup', h, this.cgroupParent, sub);
      if (fs.existsSync(d)) out.push(d);
    }
    return out;
  }

  /** Mounts in the host's mount table that mention this fixture's temp dir (there must be none). */
  leakedMounts(): string[] {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(this.tmp));
  }

  async cleanup(): Promise<void> {
    if (fs.existsSync(this.root)) {
      for (const id of fs.readdirSync(this.root)) this.runc(['delete', '--force', id]);
    }
    removeCgroupTree(this.cgroupParent, { kill: true });
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
