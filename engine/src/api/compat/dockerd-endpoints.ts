// The endpoints of the Docker Engine API 1.41 (dockerd 20.10), by group: what the compatibility table
// (docs/api-compatibility.md) lists engined's routes against.
export interface DockerdEndpoint {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
}

const e = (spec: string): DockerdEndpoint => {
  const [method, path] = spec.split(' ') as [DockerdEndpoint['method'], string];
  return { method, path };
};

export const DOCKERD_ENDPOINTS: ReadonlyArray<{ group: string; endpoints: DockerdEndpoint[] }> = [
  {
    group: 'System',
    endpoints: ['GET /_ping', 'HEAD /_ping', 'GET /version', 'GET /info', 'GET /events', 'GET /system/df', 'POST /auth', 'POST /session'].map(e),
  },
  {
    group: 'Containers',
    endpoints: [
      'GET /containers/json', 'POST /containers/create', 'GET /containers/{id}/json', 'GET /containers/{id}/top', 'GET /containers/{id}/logs',
      'GET /containers/{id}/changes', 'GET /containers/{id}/export', 'GET /containers/{id}/stats', 'POST /containers/{id}/resize',
      'POST /containers/{id}/start', 'POST /containers/{id}/stop', 'POST /containers/{id}/restart', 'POST /containers/{id}/kill',
      'POST /containers/{id}/update', 'POST /containers/{id}/rename', 'POST /containers/{id}/pause', 'POST /containers/{id}/unpause',
      'POST /containers/{id}/attach', 'GET /containers/{id}/attach/ws', 'POST /containers/{id}/wait', 'DELETE /containers/{id}',
      'HEAD /containers/{id}/archive', 'GET /containers/{id}/archive', 'PUT /containers/{id}/archive', 'POST /containers/prune',
    ].map(e),
  },
  {
    group: 'Exec',
    endpoints: ['POST /containers/{id}/exec', 'POST /exec/{id}/start', 'POST /exec/{id}/resize', 'GET /exec/{id}/json'].map(e),
  },
  {
    group: 'Images',
    endpoints: [
      'GET /images/json', 'POST /build', 'POST /build/prune', 'POST /images/create', 'GET /images/{name}/json', 'GET /images/{name}/history',
      'POST /images/{name}/push', 'POST /images/{name}/tag', 'DELETE /images/{name}', 'GET /images/search', 'POST /images/prune', 'POST /commit',
      'GET /images/{name}/get', 'GET /images/get', 'POST /images/load',
    ].map(e),
  },
  { group: 'Distribution', endpoints: ['GET /distribution/{name}/json'].map(e) },
  {
    group: 'Networks',
    endpoints: ['GET /networks', 'GET /networks/{id}', 'DELETE /networks/{id}', 'POST /networks/create', 'POST /networks/{id}/connect', 'POST /networks/{id}/disconnect', 'POST /networks/prune'].map(e),
  },
  {
    group: 'Volumes',
    endpoints: ['GET /volumes', 'POST /volumes/create', 'GET /volumes/{name}', 'DELETE /volumes/{name}', 'POST /volumes/prune'].map(e),
  },
  {
    group: 'Plugins',
    endpoints: [
      'GET /plugins', 'GET /plugins/privileges', 'POST /plugins/pull', 'GET /plugins/{name}/json', 'DELETE /plugins/{name}', 'POST /plugins/{name}/enable',
      'POST /plugins/{name}/disable', 'POST /plugins/{name}/upgrade', 'POST /plugins/create', 'POST /plugins/{name}/push', 'POST /plugins/{name}/set',
    ].map(e),
  },
  {
    group: 'Swarm',
    endpoints: [
      'GET /swarm', 'POST /swarm/init', 'POST /swarm/join', 'POST /swarm/leave', 'POST /swarm/update', 'GET /swarm/unlockkey', 'POST /swarm/unlock',
      'GET /nodes', 'GET /nodes/{id}', 'DELETE /nodes/{id}', 'POST /nodes/{id}/update',
      'GET /services', 'POST /services/create', 'GET /services/{id}', 'DELETE /services/{id}', 'POST /services/{id}/update', 'GET /services/{id}/logs',
      'GET /tasks', 'GET /tasks/{id}', 'GET /tasks/{id}/logs',
      'GET /secrets', 'POST /secrets/create', 'GET /secrets/{id}', 'DELETE /secrets/{id}', 'POST /secrets/{id}/update',
      'GET /configs', 'POST /configs/create', 'GET /configs/{id}', 'DELETE /configs/{id}', 'POST /configs/{id}/update',
    ].map(e),
  },
];
