// X-Registry-Auth: base64url(JSON {username, password, serveraddress, identitytoken}), as clients send it.
export interface RegistryAuth {
  username: string;
  password: string;
}

export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  try {
    const json = JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<string, unknown>;
    const username = typeof json.username === 'string' ? json.username : '';
    const password = typeof json.password === 'string' ? json.password : typeof json.identitytoken === 'string' ? json.identitytoken : '';
    return username || password ? { username, password } : undefined;
  } catch {
    return undefined;
  }
}
