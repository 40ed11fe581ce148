import { slugify } from './slugify';

describe('slugify', () => {
  it.each([
    ['Coffee', 'coffee'],
    ['Café & Tea!', 'cafe-tea'],
    ['  Green  tea  ', 'green-tea'],
    ['日本', ''],
  ])('%p → %p', (name, slug) => expect(slugify(name)).toBe(slug));
});
