// OOM notifications for `events`: cgroup v1's eventfd on memory.oom_control, or cgroup v2's
// memory.events oom_kill counter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerState } from '../state/state-store.js';
import { koffi } from '../syscalls/linux.js';
import type { Runtime } from './runtime.js';

export function watchOom(rt: Runtime, state: ContainerState, onOom: () => void): () => void {
  const v1 = state.cgroupPaths.memory;
  if (v1) {
    // The eventfd also fires when the cgroup goes away: only a rising oom_kill count is an OOM kill.
    const oomKills = () => Number(/oom_kill (\d+)/.exec(fs.readFileSync(path.join(v1, 'memory.oom_control'), 'utf8'))?.[1] ?? 0);
    let last = oomKills();
    const efd = rt.sys.eventfd(0);
    const control = fs.openSync(path.join(v1, 'memory.oom_control'), 'r');
    fs.writeFileSync(path.join(v1, 'cgroup.event_control'), `${efd} ${control}`);
    const buf = Buffer.alloc(8);
    let closed = false;
    const handle = koffi().node.poll(efd, { readable: true }, () => {
      try {
        rt.sys.read(efd, buf);
        const now = oomKills();
        if (now > last) onOom();
        last = now;
      } catch {
        stop(); // the cgroup is gone
      }
    });
    const stop = () => {
      if (closed) return;
      closed = true;
      handle.close();
      for (const close of [() => fs.closeSync(control), () => rt.sys.close(efd)]) {
        try {
          close();
        } catch {
          // closed already
        }
      }
    };
    return stop;
  }
  const v2 = state.cgroupPaths[''];
  if (!v2) return () => {};
  const file = path.join(v2, 'memory.events');
  const count = () => Number(/oom_kill (\d+)/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? 0);
  let last = count();
  const watcher = fs.watch(file, () => {
    const now = count();
    if (now > last) onOom();
    last = now;
  });
  return () => watcher.close();
}
