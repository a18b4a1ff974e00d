import * as os from 'node:os';

/** What the numbers were measured on, so results from different machines are not confused. */
export interface MachineInfo {
  /** `uname -r`. */
  kernel: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
}

export function currentMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    kernel: os.release(),
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
  };
}

export function describeMachine(m: MachineInfo): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `kernel ${m.kernel} · ${m.cpu} · ${m.cores} cores · ${gib} GiB memory`;
}
