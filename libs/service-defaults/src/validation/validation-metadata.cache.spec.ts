import { IsInt, IsString, validate } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata.cache';

class Base {
  @IsInt()
  count!: unknown;
}

class Derived extends Base {
  @IsString()
  name!: unknown;
}

const failing = async (object: object) => (await validate(object)).map(({ property }) => property).sort();
const instance = <T extends object>(type: new () => T, values: Record<string, unknown>) =>
  Object.assign(new type(), values);

describe('cacheValidationMetadata', () => {
  beforeAll(() => cacheValidationMetadata());

  it("keeps a class's own and inherited rules, lookup after lookup", async () => {
    for (let round = 0; round < 2; round++) {
      expect(await failing(instance(Base, { count: 'x' }))).toEqual(['count']);
      expect(await failing(instance(Derived, { count: 'x', name: 1 }))).toEqual(['count', 'name']);
      expect(await failing(instance(Derived, { count: 1, name: 'n' }))).toEqual([]);
    }
  });

  it('sees a rule added after the class was first validated', async () => {
    class Later {
      @IsInt()
      count!: unknown;
    }
    expect(await failing(instance(Later, { count: 1, label: 2 }))).toEqual([]);
    IsString()(Later.prototype, 'label');
    expect(await failing(instance(Later, { count: 1, label: 2 }))).toEqual(['label']);
  });

  it('wraps the storage once, however often it is called', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    expect(await failing(instance(Derived, { count: 'x', name: 'n' }))).toEqual(['count']);
  });
});
