// runc's model of a v1 devices cgroup (its devices emulator), used to refuse what the kernel would
// silently get wrong: cgroup v1 keeps a default (allow or deny all) and a list of exceptions, and it
// cannot remove part of a wildcard exception. Writing "deny c 1:3 m" after "allow c *:* m" leaves
// c 1:3 allowed without a word; runc refuses such a rule list at create, and so does runc-ts.
import type { DeviceRule } from '../spec/config.js';
import { CgroupError } from './cgroup-error.js';

const key = (type: string, major: number | null, minor: number | null) => `${type} ${major ?? '*'}:${minor ?? '*'}`;

function intersect(a: string, b: string): string {
  return [...a].filter((c) => b.includes(c)).join('');
}

export class DeviceEmulator {
  /** true: everything is allowed except the exceptions (a blacklist); false: a whitelist. */
  private defaultAllow = false;
  /** "c 1:3" → permissions ("rwm" subset) of the exception. */
  private readonly exceptions = new Map<string, string>();

  /** Applies rules in order, as runc builds its target state; throws runc's error where it would. */
  static check(rules: readonly DeviceRule[]): void {
    const e = new DeviceEmulator();
    for (const r of rules) e.apply(r);
  }

  apply(rule: DeviceRule): void {
    if (rule.type === 'a') {
      this.defaultAllow = rule.allow;
      this.exceptions.clear();
      return;
    }
    // An allow in a blacklist, or a deny in a whitelist, removes (part of) an exception.
    if (rule.allow === this.defaultAllow) this.remove(rule, rule.allow ? 'deny' : 'allow');
    else this.add(rule);
  }

  private add(rule: DeviceRule): void {
    const k = key(rule.type, rule.major, rule.minor);
    const old = this.exceptions.get(k) ?? '';
    this.exceptions.set(k, [...'rwm'].filter((c) => old.includes(c) || rule.access.includes(c)).join(''));
  }

  private remove(rule: DeviceRule, kind: 'allow' | 'deny'): void {
    const k = key(rule.type, rule.major, rule.minor);
    for (const wildcard of [key(rule.type, null, rule.minor), key(rule.type, rule.major, null), key(rule.type, null, null)]) {
      if (wildcard === k) continue;
      const perms = this.exceptions.get(wildcard) ?? '';
      if (intersect(perms, rule.access) !== '') {
        throw new CgroupError(
          `unable to remove '${kind}' exception: requested rule [${k} ${rule.access}] not supported by devices cgroupv1 (cannot punch hole in existing wildcard rule [${wildcard} ${perms}])`,
        );
      }
    }
    const left = [...(this.exceptions.get(k) ?? '')].filter((c) => !rule.access.includes(c)).join('');
    if (left) this.exceptions.set(k, left);
    else this.exceptions.delete(k);
  }
}
