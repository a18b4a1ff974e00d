// Docker's ConsoleSize ([height, width], HostConfig at create, the exec start body since API 1.42):
// a terminal's size from its first instruction, instead of 0x0 until the client's first resize.

export function consoleSizeOf(v: unknown): { height: number; width: number } | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [height, width] = v as unknown[];
  if (!Number.isInteger(height) || !Number.isInteger(width) || (height as number) <= 0 || (width as number) <= 0) return undefined;
  return { height: Math.min(height as number, 65535), width: Math.min(width as number, 65535) };
}
