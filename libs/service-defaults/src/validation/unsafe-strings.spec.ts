import { unsafeStrings } from './unsafe-strings';

describe('unsafeStrings', () => {
  it('passes ordinary text, astral characters (a surrogate pair) included', () => {
    expect(unsafeStrings({ name: 'Zoë 🛒', items: [{ note: '日本' }] })).toEqual({});
  });

  it('names every field holding a NUL, however deep', () => {
    expect(Object.keys(unsafeStrings({ email: 'a\u0000b', items: [{ reason: 'x', name: '\u0000' }] })).sort()).toEqual([
      'email',
      'items.0.name',
    ]);
  });

  it('finds lone high and low surrogates, but not pairs', () => {
    expect(Object.keys(unsafeStrings({ a: '\ud800x', b: 'x\udc00', c: '\ud83d\uded2', d: '\ud800' }))).toEqual(
      expect.arrayContaining(['a', 'b', 'd']),
    );
    expect(unsafeStrings({ c: '\ud83d\uded2' })).toEqual({});
  });

  it('checks keys and a bare string too', () => {
    expect(Object.keys(unsafeStrings({ 'a\u0000': 1 }))).toEqual(['a\u0000']);
    expect(Object.keys(unsafeStrings('\u0000', 'q'))).toEqual(['q']);
  });
});
