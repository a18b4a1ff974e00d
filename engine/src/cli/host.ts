// Where the CLI finds the engine: -H/--host, then ENGINE_HOST, then the default socket.
/** Read when a client is made, not at load: the CLI's modules load into a startup snapshot at build time. */
export function defaultHost(): string {
  return process.env.ENGINE_HOST || 'unix:///run/engine/engine.sock';
}
