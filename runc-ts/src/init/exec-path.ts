// Finds the program to exec inside the container, as execvp would, with runc's error text.
import * as fs from 'node:fs';
import * as path from 'node:path';

function executable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function lookPath(name: string, env: readonly string[], cwd: string): string {
  if (name.includes('/')) {
    const p = path.resolve(cwd, name);
    if (!fs.existsSync(p)) throw new Error(`exec: ${JSON.stringify(name)}: no such file or directory`);
    if (!executable(p)) throw new Error(`exec: ${JSON.stringify(name)}: permission denied`);
    return name;
  }
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of pathVar.split(':')) {
    const p = path.join(dir || '.', name);
    if (executable(p)) return p;
  }
  throw new Error(`exec: ${JSON.stringify(name)}: executable file not found in $PATH`);
}
