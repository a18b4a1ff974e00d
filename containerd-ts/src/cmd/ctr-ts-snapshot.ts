// The entry of ctr-ts's startup snapshot. Bundled into one file and run once by
// `node --build-snapshot` at build time: the modules every command needs (yargs, protobuf-es, the
// service descriptors, the commands) are loaded then, so a command starts from a heap that already
// holds them instead of spending ~90 ms loading them. `bin/ctr-ts` starts node on the snapshot.
import * as v8 from 'node:v8';
import { cli, main } from './ctr/main.js';

import { create, fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';

// What the lazy getters of the client would load on first use.
require('../client/light-channel.js');
const services = [
  (require('@stack/proto/gen/containerd/services/tasks/v1/tasks_pb') as typeof import('@stack/proto/gen/containerd/services/tasks/v1/tasks_pb')).Tasks,
  (require('@stack/proto/gen/stack/tasks/v1/streams_pb') as typeof import('@stack/proto/gen/stack/tasks/v1/streams_pb')).TaskStreams,
  (require('@stack/proto/gen/containerd/services/containers/v1/containers_pb') as typeof import('@stack/proto/gen/containerd/services/containers/v1/containers_pb')).Containers,
  (require('@stack/proto/gen/containerd/services/images/v1/images_pb') as typeof import('@stack/proto/gen/containerd/services/images/v1/images_pb')).Images,
  (require('@stack/proto/gen/containerd/services/content/v1/content_pb') as typeof import('@stack/proto/gen/containerd/services/content/v1/content_pb')).Content,
  (require('@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb') as typeof import('@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb')).Snapshots,
  (require('@stack/proto/gen/containerd/services/leases/v1/leases_pb') as typeof import('@stack/proto/gen/containerd/services/leases/v1/leases_pb')).Leases,
  (require('@stack/proto/gen/containerd/services/version/v1/version_pb') as typeof import('@stack/proto/gen/containerd/services/version/v1/version_pb')).Version,
  (require('@stack/proto/gen/containerd/services/introspection/v1/introspection_pb') as typeof import('@stack/proto/gen/containerd/services/introspection/v1/introspection_pb')).Introspection,
  (require('@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb') as typeof import('@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb')).Namespaces,
] as GenService<GenServiceMethods>[];
const messages: DescMessage[] = [
  (require('@stack/proto/gen/containerd/runc/v1/options_pb') as typeof import('@stack/proto/gen/containerd/runc/v1/options_pb')).OptionsSchema,
  (require('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb') as typeof import('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb')).MetricsSchema,
  (require('@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb') as typeof import('@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb')).MetricsSchema,
];

// protobuf-es prepares a message type's fields on its first encode or decode: do that here too.
for (const service of services) for (const m of service.methods) messages.push(m.input, m.output);
for (const m of messages) fromBinary(m, toBinary(m, create(m)));

// The parser with its commands, built now rather than on each run.
const parser = cli();

v8.startupSnapshot.setDeserializeMainFunction(() => void main(process.argv.slice(1), parser));
