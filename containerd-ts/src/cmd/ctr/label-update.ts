// The labels part of ctr's `label` commands: KEY=VALUE sets, KEY= clears, a bare KEY is KEY=true (ctr's
// LabelArgs); the update mask names each label touched, so others are kept.
export function labelUpdate(args: readonly string[]): { labels: Record<string, string>; paths: string[] } {
  const labels: Record<string, string> = {};
  const paths: string[] = [];
  for (const a of args) {
    const i = a.indexOf('=');
    const key = i < 0 ? a : a.slice(0, i);
    if (key === '') throw new Error(`invalid label ${JSON.stringify(a)}: want KEY=VALUE`);
    const value = i < 0 ? 'true' : a.slice(i + 1);
    if (value !== '') labels[key] = value;
    paths.push(`labels.${key}`);
  }
  return { labels, paths };
}
