/** config.json is malformed or asks for something impossible; the message names the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`config.json: ${message}`);
    this.name = 'ConfigError';
  }
}
