// Mounting a snapshot's mounts on this host for `images mount/unmount`, through mount(8) and
// umount(8): the CLI runs from a startup snapshot that cannot load native modules, and mount(8)
// already turns options such as `rbind,ro` into the right mount(2) calls (bind, then remount ro).
import * as fs from 'node:fs';

export interface HostMount {
  type: string;
  source: string;
  options: readonly string[];
}

function run(cmd: string, args: string[]): Promise<void> {
  // Required here, not at the top: the startup snapshot is built without child_process loaded.
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } }, (err, _out, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/** mount(8)'s arguments for one mount: a bind has no type of its own (its options say bind/rbind). */
export function mountArgs(m: HostMount, target: string): string[] {
  const bind = m.type === 'bind' || m.options.includes('bind') || m.options.includes('rbind');
  const opts = bind && !m.options.includes('bind') && !m.options.includes('rbind') ? ['bind', ...m.options] : [...m.options];
  return [...(bind ? [] : ['-t', m.type]), ...(opts.length ? ['-o', opts.join(',')] : []), '--', m.source, target];
}

/** Mounts each in order on `target` (those done are unmounted again when one fails). */
export async function mountAll(mounts: readonly HostMount[], target: string): Promise<void> {
  let done = 0;
  try {
    for (const m of mounts) {
      await run('mount', mountArgs(m, target));
      done++;
    }
  } catch (err) {
    for (; done > 0; done--) await run('umount', ['--', target]).catch(() => undefined);
    throw err;
  }
}

/** How many mounts sit on `target` (from /proc/self/mountinfo, whose paths escape spaces as \040). */
export function mountsOn(target: string, mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): number {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return mountinfo.split('\n').filter((l) => l !== '' && unescape(l.split(' ')[4] ?? '') === target).length;
}

/** Unmounts everything stacked on `target`; nothing mounted there is not an error (as ctr). */
export async function unmountAll(target: string): Promise<void> {
  for (let n = mountsOn(target); n > 0; n--) await run('umount', ['--', target]);
}
