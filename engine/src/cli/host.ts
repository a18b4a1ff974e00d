// Where the CLI finds the engine: -H/--host, then ENGINE_HOST, then the default socket.
export const DEFAULT_HOST = process.env.ENGINE_HOST || 'unix:///run/engine/engine.sock';
