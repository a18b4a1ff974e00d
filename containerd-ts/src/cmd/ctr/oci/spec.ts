// ctr-ts oci spec: the default OCI runtime spec a container of this namespace starts from (what
// containerd's oci.GenerateSpec makes with no options), as JSON indented like ctr's.
import type { CommandModule } from 'yargs';
import { generatedSpec } from '../../../client/oci/default-spec.js';
import { out, type GlobalArgs } from '../common.js';

export const ociSpec: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'spec',
  describe: 'print the default OCI runtime spec',
  handler: (argv) => {
    out(JSON.stringify(generatedSpec(argv.namespace), null, 4));
  },
};
