import { KeptAnswers } from './kept-answers';

describe('KeptAnswers', () => {
  const keepAs = (key: string) => (answer: string) => `${key}:${answer}`;

  it('keeps what it fetched, and lets the oldest kept go first past its size', async () => {
    const kept = new KeptAnswers<string>(2);
    for (const key of ['a', 'b', 'c']) await kept.fetch(key, async () => 'fetched', keepAs(key));
    expect([kept.has('a'), kept.get('b'), kept.get('c')]).toEqual([false, 'b:fetched', 'c:fetched']);
    // Kept again, 'b' is the newest: 'c' goes next.
    await kept.fetch('b', async () => 'again', keepAs('b'));
    await kept.fetch('d', async () => 'fetched', keepAs('d'));
    expect([kept.get('b'), kept.has('c'), kept.has('d')]).toEqual(['b:again', false, true]);
  });

  it.each([
    ['forgetting any key', (kept: KeptAnswers<string>) => kept.forget('other')],
    ['clearing', (kept: KeptAnswers<string>) => kept.clear()],
  ])('answers but does not keep a fetch overtaken by %s', async (_, change) => {
    const kept = new KeptAnswers<string>(10);
    let finish!: (answer: string) => void;
    const slow = kept.fetch('a', () => new Promise<string>((resolve) => (finish = resolve)), keepAs('a'));
    change(kept);
    finish('old');
    expect([await slow, kept.has('a')]).toEqual(['old', false]);
    await kept.fetch('a', async () => 'new', keepAs('a'));
    expect(kept.get('a')).toBe('a:new');
  });

  it('keeps nothing of a fetch that failed', async () => {
    const kept = new KeptAnswers<string>(10);
    await expect(kept.fetch('a', () => Promise.reject(new Error('down')), keepAs('a'))).rejects.toThrow('down');
    expect(kept.has('a')).toBe(false);
  });
});
