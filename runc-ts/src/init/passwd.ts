// Looks up a uid's home directory in the container's /etc/passwd (runc sets HOME when the spec does not).
import * as fs from 'node:fs';

export function homeOf(uid: number, passwdFile = '/etc/passwd'): string {
  let text: string;
  try {
    text = fs.readFileSync(passwdFile, 'utf8');
  } catch {
    return '/';
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 6 && Number(f[2]) === uid && f[2] !== '') return f[5] || '/';
  }
  return '/';
}
