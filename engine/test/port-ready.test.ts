// A published port is ready when `run -d -p` returns: a connection made right after gets the
// container's answer (as with dockerd), never an empty reply from a proxy with nothing behind it.
import { ENGINE_BIN, startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 180_000);

afterAll(async () => {
  await s?.cleanup();
});

test('a connection right after run -d -p gets an answer', async () => {
  const results: string[] = [];
  const n = 12;
  for (let i = 0; i < n; i++) {
    const url = `http://${i % 2 === 0 ? '127.0.0.1' : s.hostAddress}:8090/hostname`;
    // One shell in the daemons' namespace: curl starts the moment the CLI has returned.
    const r = await s.inHost(['sh', '-c', `id=$(${ENGINE_BIN} -H ${s.host} run -d -p 8090:80 --name ready${i} busybox httpd -f -p 80 -h /etc) && curl -s -S --max-time 5 ${url}; echo " id=$id"`]);
    const [body, id] = r.stdout.split(' id=');
    // httpd serves the container's /etc/hostname: its short ID.
    results.push(r.code === 0 && body === `${id!.slice(0, 12)}\n` ? 'answered' : `${url}: ${r.stdout}${r.stderr}`.trim());
    await s.engine(['rm', '-f', `ready${i}`]);
  }
  expect(results).toEqual(Array(n).fill('answered'));
}, 120_000);
