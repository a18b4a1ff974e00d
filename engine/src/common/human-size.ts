// Sizes in decimal units with up to three significant digits, as Docker's HumanSize prints them
// (`engine images`, pull progress).
export function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${Number(v.toFixed(i === 0 ? 0 : digits)).toString()}${units[i]}`;
}
