// engine system df
import type { CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { humanSize } from '../../format/human.js';
import { tabulate } from '../../format/template.js';

interface Df {
  LayersSize: number;
  Images: Array<{ Size: number; Containers: number }>;
  Containers: Array<{ State: string; SizeRw: number }>;
  Volumes: Array<{ UsageData: { Size: number; RefCount: number } }>;
}

export const systemDf: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'df',
  describe: 'Show engine disk usage',
  handler: async (a) => {
    try {
      const d = await api(a).call<Df>('GET', '/system/df');
      const imgActive = d.Images.filter((i) => i.Containers > 0);
      const ctrActive = d.Containers.filter((c) => c.State === 'running');
      const volActive = d.Volumes.filter((v) => v.UsageData.RefCount > 0);
      const reclaim = (total: number, active: number) => `${humanSize(total - active)} (${total ? Math.round(((total - active) / total) * 100) : 0}%)`;
      const imgTotal = d.LayersSize;
      const imgUsed = imgActive.reduce((s, i) => s + i.Size, 0);
      const ctrTotal = d.Containers.reduce((s, c) => s + c.SizeRw, 0);
      const ctrUsed = ctrActive.reduce((s, c) => s + c.SizeRw, 0);
      const volTotal = d.Volumes.reduce((s, v) => s + Math.max(0, v.UsageData.Size), 0);
      const volUsed = volActive.reduce((s, v) => s + Math.max(0, v.UsageData.Size), 0);
      process.stdout.write(
        `${tabulate([
          ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
          ['Images', String(d.Images.length), String(imgActive.length), humanSize(imgTotal), reclaim(imgTotal, imgUsed)],
          ['Containers', String(d.Containers.length), String(ctrActive.length), humanSize(ctrTotal), reclaim(ctrTotal, ctrUsed)],
          ['Local Volumes', String(d.Volumes.length), String(volActive.length), humanSize(volTotal), reclaim(volTotal, volUsed)],
          ['Build Cache', '0', '0', '0B', '0B'],
        ])}\n`,
      );
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
