// A registry's error body as one readable line. The distribution spec's form is
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":…}]}: its messages are
// what users should read (docker prints them); anything else (an HTML page from a proxy) is cut down
// to its first line, so a raw body never reaches a terminal.
const MAX = 200;

export function registryErrorText(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const v = JSON.parse(text) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    if (Array.isArray(v.errors) && v.errors.length) {
      return v.errors
        .map((e) => (typeof e.message === 'string' && e.message ? e.message : typeof e.code === 'string' ? e.code.toLowerCase().replace(/_/g, ' ') : 'unknown error'))
        .join('; ');
    }
  } catch {
    // not JSON
  }
  const first = text.replace(/<[^>]*>/g, ' ').split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '') ?? '';
  return first.length > MAX ? `${first.slice(0, MAX)}…` : first;
}
