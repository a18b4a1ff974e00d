// An esbuild plugin for this package's bundles: protobuf-es as ES modules even where it is
// require()d (the generated code is CommonJS), so a bundle holds one copy of it and only the parts
// used: its CommonJS index loads every well-known type, ~2 MB of heap for nothing.
import type { Plugin } from 'esbuild';

export const protobufAsEsm: Plugin = {
  name: 'protobuf-es-as-esm',
  setup(build) {
    build.onResolve({ filter: /^@bufbuild\/protobuf(\/|$)/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      return build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
    });
  },
};
