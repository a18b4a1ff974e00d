// `.dockerignore`: which context paths a build leaves out, as docker's pattern matcher decides it.
// Patterns are cleaned paths relative to the context root (a leading `/` is dropped), `*` and `?`
// stay within one path element, `**` spans any number of them, `[…]` and `\` escapes are kept,
// `!pattern` re-includes, the last pattern that matches wins, and a pattern that matches a parent
// directory matches everything under it.
import * as path from 'node:path';

interface Pattern {
  re: RegExp;
  exclusion: boolean;
  /** Path elements in the pattern: a parent of that depth is matched against it too. */
  depth: number;
}

function compile(p: string): RegExp {
  let re = '^';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(p)}`);
      let cls = p.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < p.length) re += p[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's');
}

export class DockerIgnore {
  private readonly patterns: Pattern[] = [];

  constructor(text: string) {
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      let exclusion = false;
      if (line.startsWith('!')) {
        exclusion = true;
        line = line.slice(1).trim();
        if (line === '') throw new Error('illegal exclusion pattern: "!"');
      }
      line = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
      if (line === '' || line === '.') line = '.';
      this.patterns.push({ re: compile(line), exclusion, depth: line.split('/').length });
    }
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether the context-relative path (slash-separated, no leading `./`) is left out. */
  ignores(rel: string): boolean {
    const parts = rel.split('/');
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // cannot change the outcome
      let hit = p.re.test(rel);
      if (!hit && parts.length > 1 && p.depth < parts.length) hit = p.re.test(parts.slice(0, p.depth).join('/'));
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * Whether a directory's walk can be skipped: it is ignored and no exclusion could re-include a
   * path below it.
   */
  skipsDir(rel: string): boolean {
    return this.ignores(rel) && !this.patterns.some((p) => p.exclusion);
  }
}
