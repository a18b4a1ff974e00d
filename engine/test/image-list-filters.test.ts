// Pure logic of `images --filter` (API side) and of docker's image rows (CLI side); no daemon.
import { imageListFilters, imagePasses, listedNames, pathMatch, referenceMatch } from '../src/api/images/list-filters.js';
import { imageRows } from '../src/cli/commands/images.js';

const never = async (): Promise<Date> => {
  throw new Error('not asked');
};

test('Go path.Match globs', () => {
  expect(pathMatch('busy*', 'busybox')).toBe(true);
  expect(pathMatch('*', 'team/bb')).toBe(false);
  expect(pathMatch('*/*', 'team/bb')).toBe(true);
  expect(pathMatch('b?sybox', 'busybox')).toBe(true);
  expect(pathMatch('[a-c]usybox', 'busybox')).toBe(true);
  expect(pathMatch('[^a-c]usybox', 'busybox')).toBe(false);
  expect(pathMatch('a\\*', 'a*')).toBe(true);
  expect(pathMatch('a.b', 'axb')).toBe(false);
  for (const bad of ['[', '[]', 'a\\', '[z-a]', '[-]']) expect(() => pathMatch(bad, 'x')).toThrow();
});

test('reference= matches the name with its tag or digest, or the repository alone', () => {
  expect(referenceMatch('busybox', 'busybox:latest')).toBe(true);
  expect(referenceMatch('busybox:*', 'busybox:latest')).toBe(true);
  expect(referenceMatch('busybox:1', 'busybox:latest')).toBe(false);
  expect(referenceMatch('*/team/*', '127.0.0.1:5000/team/bb@sha256:ab')).toBe(true);
  expect(referenceMatch('127.0.0.1:5000/team/bb', '127.0.0.1:5000/team/bb@sha256:ab')).toBe(true);
});

test('dangling: an image with a digest name but no tag is dangling; values are checked', async () => {
  const t = await imageListFilters(new Map([['dangling', ['true']]]), never);
  expect(listedNames(t, [], ['bb@sha256:ab'])).toEqual({ tags: [], digests: ['bb@sha256:ab'] });
  expect(listedNames(t, ['bb:1'], ['bb@sha256:ab'])).toBeUndefined();
  expect(listedNames(t, [], [])).toEqual({ tags: [], digests: [] });
  const f = await imageListFilters(new Map([['dangling', ['false']]]), never);
  expect(listedNames(f, [], ['bb@sha256:ab'])).toEqual({ tags: [], digests: ['bb@sha256:ab'] });
  expect(listedNames(f, [], [])).toBeUndefined();
  await expect(imageListFilters(new Map([['dangling', ['maybe']]]), never)).rejects.toThrow("Invalid filter 'dangling=[maybe]'");
  await expect(imageListFilters(new Map([['bogus', ['1']]]), never)).rejects.toThrow("Invalid filter 'bogus'");
  await expect(imageListFilters(new Map([['reference', ['[']]]), never)).rejects.toThrow('syntax error in pattern');
});

test('before/since (the last value wins) and label (every entry must match)', async () => {
  const at = (s: number) => new Date(s * 1000);
  const f = await imageListFilters(new Map([['since', ['a', 'b']], ['label', ['tier', 'owner=ops']]]), async (n) => (n === 'a' ? at(10) : at(20)));
  expect(imagePasses(f, at(21), { tier: 'x', owner: 'ops' })).toBe(true);
  expect(imagePasses(f, at(20), { tier: 'x', owner: 'ops' })).toBe(false);
  expect(imagePasses(f, at(21), { tier: 'x', owner: 'dev' })).toBe(false);
  expect(imagePasses(f, at(21), null)).toBe(false);
  const b = await imageListFilters(new Map([['before', ['a']]]), async () => at(10));
  expect(imagePasses(b, at(9), null)).toBe(true);
  expect(imagePasses(b, at(10), null)).toBe(false);
});

test('docker rows: one per tag, digest-only repositories with tag <none>', () => {
  const img = { Id: 'sha256:x', Created: 0, Size: 0, RepoTags: ['bb:1', 'bb:2'], RepoDigests: ['bb@sha256:d1', 'other@sha256:d2'] };
  expect(imageRows(img, false)).toEqual([
    { repo: 'bb', tag: '1', digest: '<none>' },
    { repo: 'bb', tag: '2', digest: '<none>' },
    { repo: 'other', tag: '<none>', digest: '' },
  ]);
  expect(imageRows(img, true)).toEqual([
    { repo: 'bb', tag: '1', digest: 'sha256:d1' },
    { repo: 'bb', tag: '2', digest: 'sha256:d1' },
    { repo: 'other', tag: '<none>', digest: 'sha256:d2' },
  ]);
  expect(imageRows({ ...img, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] }, true)).toEqual([{ repo: '<none>', tag: '<none>', digest: '<none>' }]);
  expect(imageRows({ ...img, RepoTags: null, RepoDigests: null }, false)).toEqual([{ repo: '<none>', tag: '<none>', digest: '<none>' }]);
});
