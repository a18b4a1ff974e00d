// docker's go-units sizes with four significant digits ("%.4g"): HumanSize in decimal units
// (reclaimed space, network and block I/O), BytesSize in binary ones (memory in stats).
function withPrecision(n: number, base: number, units: readonly string[]): string {
  let v = n;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${Number(v.toPrecision(4)).toString()}${units[i]}`;
}

export const humanSize4 = (n: number): string => withPrecision(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB']);
export const bytesSize = (n: number): string => withPrecision(n, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);
