import { parseFilters, parseSelectors, unquote } from '../src/core/filters/filter.js';

const obj: Record<string, string> = { name: 'docker.io/library/busybox:latest', 'labels.a': 'x y', 'labels.a b': 'c', topic: '/tasks/exit' };
const adaptor = (fp: string[]) => obj[fp.join('.')];
const match = (...f: string[]) => parseFilters(f)(adaptor);
const errorOf = (f: string) => {
  try {
    parseSelectors(f);
  } catch (err) {
    return (err as Error).message;
  }
  return 'parsed';
};

describe('containerd filter syntax', () => {
  test('equality, inequality, regex and presence', () => {
    expect(match('name==docker.io/library/busybox:latest')).toBe(true);
    expect(match('name!=x')).toBe(true);
    expect(match('name~=busybox')).toBe(true);
    expect(match('topic~="^/tasks/"')).toBe(true);
    expect(match('labels.a')).toBe(true);
    expect(match('labels.b')).toBe(false);
  });

  test('comma is AND, separate filters are OR, an empty filter matches all', () => {
    expect(match('name~=busybox,labels.a=="x y"')).toBe(true);
    expect(match('name~=busybox, labels.a==z')).toBe(false);
    expect(match('name==nope', 'labels.a=="x y"')).toBe(true);
    expect(match()).toBe(true);
    expect(match('name==nope', '')).toBe(true);
  });

  test('regex-quoted values: |…| and /…/ keep slashes and backslash-free regexes', () => {
    expect(match('topic~=|^/tasks/exit|')).toBe(true);
    expect(match('topic~=|^/tasks/start|')).toBe(false);
    expect(parseSelectors('topic~=/\\/images\\/.*/')[0]?.value).toBe('/images/.*');
    expect(parseSelectors('topic~=|a\\|b|')[0]?.value).toBe('a|b');
    expect(match('name~=(?i)BUSYBOX')).toBe(true);
    // An absent field is matched as the empty string, as containerd does.
    expect(match('labels.none~=^$')).toBe(true);
  });

  test('quoted field names and Go escapes', () => {
    expect(parseSelectors('labels."containerd.io/gc.root"')).toEqual([{ fieldpath: ['labels', 'containerd.io/gc.root'], operator: 'present', value: '' }]);
    expect(match('labels."a b"==c')).toBe(true);
    expect(unquote('"a\\tb\\x41\\101\\u00e9\\""')).toBe('a\tbAAé"');
    expect(parseSelectors('a.b-c.d_1==v')[0]?.fieldpath).toEqual(['a', 'b-c', 'd_1']);
  });

  test('syntax errors in containerd words, as invalid arguments', () => {
    expect(errorOf('name==a b')).toBe('filters: parse error: [name==a >| |< b]: unexpected input:  : invalid argument');
    expect(errorOf('name==')).toBe('filters: parse error: [name==]: expected value or quoted: invalid argument');
    expect(errorOf('name~=|\\d|')).toBe('filters: parse error: [name~= >|||< \\d|]: illegal escape sequence: invalid argument');
    expect(errorOf(' ')).toBe('filters: parse error: [ ]: expected field or quoted: invalid argument');
    expect(errorOf('name===x')).toBe('filters: parse error: [name >|=|< ==x]: unsupported operator "===": invalid argument');
    expect(errorOf('name==/x/y')).toBe('filters: parse error: [name== >|/|< x/y]: invalid quote encountered: invalid argument');
    expect(errorOf('name=="x')).toMatch(/quoted literal not terminated/);
    expect(errorOf('name~="\\x4"')).toMatch(/illegal numeric escape sequence/);
    expect(errorOf('name@x')).toMatch(/expected an operator/);
    // containerd would accept these and then never match; refused here.
    expect(errorOf('name~=(')).toMatch(/compile regexp "\(":/);
    expect(errorOf('name~=(?U)x')).toMatch(/unsupported Perl syntax/);
  });
});
