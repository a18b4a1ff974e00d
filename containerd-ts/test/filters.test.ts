import { parseFilters, parseSelectors } from '../src/core/filters/filter.js';

const obj: Record<string, string> = { name: 'docker.io/library/busybox:latest', 'labels.a': 'x y', topic: '/images/create' };
const adaptor = (fp: string[]) => obj[fp.join('.')];

describe('containerd filter syntax', () => {
  test('equality, inequality, regex and presence', () => {
    expect(parseFilters(['name==docker.io/library/busybox:latest'])(adaptor)).toBe(true);
    expect(parseFilters(['name!=x'])(adaptor)).toBe(true);
    expect(parseFilters(['name~=busybox'])(adaptor)).toBe(true);
    expect(parseFilters(['topic~="^/images/"'])(adaptor)).toBe(true);
    expect(parseFilters(['labels.a'])(adaptor)).toBe(true);
    expect(parseFilters(['labels.b'])(adaptor)).toBe(false);
  });

  test('comma is AND, separate filters are OR, quoted values keep spaces', () => {
    expect(parseFilters(['name~=busybox,labels.a=="x y"'])(adaptor)).toBe(true);
    expect(parseFilters(['name~=busybox,labels.a==z'])(adaptor)).toBe(false);
    expect(parseFilters(['name==nope', 'labels.a=="x y"'])(adaptor)).toBe(true);
    expect(parseFilters([])(adaptor)).toBe(true);
  });

  test('quoted field names and regex-quoted values', () => {
    expect(parseSelectors('labels."containerd.io/gc.root"')).toEqual([{ fieldpath: ['labels', 'containerd.io/gc.root'], operator: 'present', value: '' }]);
    const [sel] = parseSelectors('topic~=/\\/images\\/.*/');
    expect(sel?.value).toBe('\\/images\\/.*'.replace(/\\\//g, '/'));
  });

  test('syntax errors are invalid arguments', () => {
    expect(() => parseFilters(['name=='])).toThrow(/invalid filter/);
    expect(() => parseFilters(['name==a b'])).toThrow(/invalid filter/);
    expect(() => parseFilters(['name~=('])).toThrow(/bad regular expression/);
  });
});
