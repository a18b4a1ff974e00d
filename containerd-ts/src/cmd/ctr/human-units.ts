// docker/go-units' HumanSize and HumanDuration, which ctr's content ls prints (SIZE "1.056MB", AGE
// "2 minutes").
const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Decimal units, four significant digits, no space ("405B", "1.056MB"). */
export function humanSize(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < DECIMAL_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Number(v.toPrecision(4))}${DECIMAL_UNITS[u]}`;
}

/** How long ago, in go-units' words ("Less than a second", "About a minute", "3 days"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}
