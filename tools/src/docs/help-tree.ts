// Walks a CLI's commands through its own --help: the top-level help lists the commands, each
// command's help lists its subcommands, and so on. Two help layouts are read: yargs' ("Commands:"
// then "  SCRIPT PATH… NAME …" lines: engine, ctr-ts) and urfave/cli's as runc prints it
// ("COMMANDS:" then "   NAME[, ALIAS]  summary": runc-ts, whose commands have no subcommands).
import { execFile } from 'node:child_process';

export type HelpStyle = 'yargs' | 'urfave';

export interface HelpPage {
  /** The words after the binary's name ([] for the top level). */
  path: string[];
  text: string;
}

export interface CliBinary {
  /** The name the help uses for itself (yargs' scriptName). */
  script: string;
  bin: string;
  style: HelpStyle;
}

/** The subcommand names a help page lists under `path`. */
export function subcommands(text: string, script: string, path: readonly string[], style: HelpStyle): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === (style === 'yargs' ? 'Commands:' : 'COMMANDS:'));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    if (style === 'yargs') {
      if (!line.startsWith('  ') || line.startsWith('   ')) continue;
      const words = line.trim().split(/\s+/);
      if (words[0] !== script || path.some((p, i) => words[i + 1] !== p)) continue;
      const name = words[path.length + 1];
      if (name && !name.startsWith('<') && !name.startsWith('[')) out.push(name);
    } else {
      const m = /^ {3}([^\s,]+)(?:,[^\s]*)*\s{2,}/.exec(line);
      if (m && m[1] !== 'help') out.push(m[1]!);
    }
  }
  return out;
}

/** Runs `bin ARGS… --help` with a fixed environment (help must not depend on who runs it). */
export function helpText(b: CliBinary, path: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(b.bin, [...path, '--help'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' }, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${b.script} ${[...path, '--help'].join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout.replace(/[ \t]+$/gm, ''));
    });
  });
}

/** Every help page of a CLI, top level first, then depth-first in the order each page lists them. */
export async function helpTree(b: CliBinary, concurrency = 4): Promise<HelpPage[]> {
  const pages: HelpPage[] = [];
  const visit = async (path: string[]): Promise<HelpPage[]> => {
    const text = await helpText(b, path);
    const page = { path, text };
    // urfave/cli commands (runc-ts) have no subcommands.
    const subs = style(b, path) ? subcommands(text, b.script, path, b.style) : [];
    const children: HelpPage[][] = [];
    for (let i = 0; i < subs.length; i += concurrency) {
      children.push(...(await Promise.all(subs.slice(i, i + concurrency).map((s) => visit([...path, s])))));
    }
    return [page, ...children.flat()];
  };
  pages.push(...(await visit([])));
  return pages;
}

const style = (b: CliBinary, path: readonly string[]) => b.style === 'yargs' || path.length === 0;
