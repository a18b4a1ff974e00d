// create with Docker's behaviour: an image that is not there is pulled first (progress on stderr).
import { normalize, familiarString } from '../common/reference.js';
import { ApiError, type ApiClient } from './api-client.js';
import { registryAuthHeader } from './auth/credentials.js';
import { renderProgress } from './streams/json-progress.js';

export async function pullImage(client: ApiClient, image: string, out: NodeJS.WriteStream, quiet = false): Promise<void> {
  const ref = normalize(image);
  const fromImage = familiarString({ domain: ref.domain, path: ref.path });
  const res = await client.stream('POST', '/images/create', {
    query: { fromImage, tag: ref.digest ?? ref.tag ?? 'latest' },
    headers: { 'X-Registry-Auth': registryAuthHeader(image) },
  });
  await renderProgress(res, out, quiet);
}

export async function createContainer(client: ApiClient, body: Record<string, unknown>, name: string | undefined): Promise<string> {
  const send = () => client.call<{ Id: string }>('POST', '/containers/create', { query: { name }, body });
  try {
    return (await send()).Id;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && err.message.startsWith('No such image'))) throw err;
    const image = String(body.Image);
    process.stderr.write(`Unable to find image '${familiarString(normalize(image))}' locally\n`);
    await pullImage(client, image, process.stderr);
    return (await send()).Id;
  }
}
