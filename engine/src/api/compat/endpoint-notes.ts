// What the compatibility table says of an endpoint besides "supported": where engined serves it only
// in part, answers only with dockerd's error for a daemon without the feature, or does not serve it.
// Keys are "METHOD /path" as in dockerd-endpoints.ts; a test checks each names a real endpoint.
export type Support = 'supported' | 'partial' | 'refused' | 'not served';

export const SWARM_NOTE = 'engined never joins a swarm: 503 "This node is not a swarm manager…", as a dockerd outside one';

export const ENDPOINT_NOTES: Readonly<Record<string, { support: Exclude<Support, 'supported'>; note: string }>> = {
  'POST /session': { support: 'not served', note: 'BuildKit sessions: engined\'s builder is the classic one' },
  'POST /build': { support: 'partial', note: 'the classic builder; BuildKit (`version=2`), remote contexts, `squash`, a non-empty `cachefrom` and resource limits are refused' },
  'GET /containers/{id}/attach/ws': { support: 'not served', note: 'use `POST /containers/{id}/attach` (HTTP upgrade)' },
  'GET /containers/json': { support: 'partial', note: '`size=true` is not reported (no `SizeRw`/`SizeRootFs`; `engine ps -s` is refused)' },
  'GET /containers/{id}/json': { support: 'partial', note: '`size=true` is not reported (`engine inspect -s` is refused)' },
  'GET /containers/{id}/export': { support: 'partial', note: 'numeric owners only (dockerd also writes user names); no init-layer files such as `/.dockerenv`' },
  'PUT /containers/{id}/archive': { support: 'partial', note: 'an entry whose parent directory is a symlink is refused (dockerd follows it inside the container); device nodes and FIFOs are refused' },
  'POST /commit': { support: 'partial', note: '`repo` is required: untagged images are not kept' },
  'POST /images/create': { support: 'partial', note: '`fromImage` without `tag` pulls `latest` (dockerd pulls every tag); `fromSrc` (import) needs `repo` and takes plain or gzip tars (bzip2, xz, zstd refused)' },
  'POST /images/{name}/push': { support: 'partial', note: 'without `tag` pushes `latest` (dockerd pushes every tag of the repository)' },
  'GET /images/search': { support: 'partial', note: 'Docker Hub\'s search for plain terms; for `HOST/term`, the registry\'s `/v2/_catalog` filtered by the term' },
  'POST /build/prune': { support: 'partial', note: 'filters `until` and `unused-for` (the age since stored); other filters and `keep-storage` are refused' },
  'GET /system/df': { support: 'partial', note: '`BuildCache` is always empty (the build cache is not counted)' },
  'POST /networks/create': { support: 'partial', note: '`bridge` driver only, IPv4 only (`EnableIPv6` refused)' },
  'GET /plugins': { support: 'partial', note: 'no plugin system: always `[]`' },
  'GET /plugins/privileges': { support: 'refused', note: '501: engined has no plugin system' },
  'POST /plugins/pull': { support: 'refused', note: '501: engined has no plugin system' },
  'POST /plugins/create': { support: 'refused', note: '501: engined has no plugin system' },
  'GET /plugins/{name}/json': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'DELETE /plugins/{name}': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /plugins/{name}/enable': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /plugins/{name}/disable': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /plugins/{name}/upgrade': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /plugins/{name}/push': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /plugins/{name}/set': { support: 'refused', note: '404 for every name, as a dockerd with no plugins installed' },
  'POST /swarm/init': { support: 'refused', note: '501: swarm mode is not supported' },
  'POST /swarm/join': { support: 'refused', note: '501: swarm mode is not supported' },
  'POST /swarm/leave': { support: 'refused', note: '503 "This node is not part of a swarm"' },
};

/** Every other route of the Swarm group answers as a dockerd outside a swarm. */
export const REFUSED_GROUPS: Readonly<Record<string, string>> = { Swarm: SWARM_NOTE };
