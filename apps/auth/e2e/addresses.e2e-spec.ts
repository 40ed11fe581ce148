import { newCustomer, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'addresses',
    env: { gateway: { THROTTLE_LIMIT: '100000', AUTH_THROTTLE_LIMIT: '100000' } },
  });
});
afterAll(() => system?.stop());

const HOME = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4LE',
  country: 'gb',
};
const WORK = { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'Paris', country: 'FR', phone: '+33123456789' };

const book = (token: string) => system.http.get('/api/v1/auth/me/addresses', { token });
const add = (token: string, body: object) => system.http.post('/api/v1/auth/me/addresses', body, { token });
const patch = (token: string, id: string, body: object) =>
  system.http.request('PATCH', `/api/v1/auth/me/addresses/${id}`, { token, body });
const remove = (token: string, id: string) =>
  system.http.request('DELETE', `/api/v1/auth/me/addresses/${id}`, { token });

function expectProblem(response: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.requestId).toEqual(expect.any(String));
}

const defaults = (addresses: { id: string; isDefault: boolean }[]) =>
  addresses.filter((address) => address.isDefault).map((address) => address.id);

describe('address book', () => {
  it('adds addresses, the first one the default, with country upper-cased and absent fields null', async () => {
    const { token } = await newCustomer(system);
    const home = await add(token, HOME);
    expect(home.status).toBe(201);
    expect(home.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...HOME,
      country: 'GB',
      line2: null,
      region: null,
      phone: null,
      isDefault: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const work = await add(token, WORK);
    expect(work.body).toMatchObject({ isDefault: false, phone: '+33123456789', postalCode: null });
    const listed = await book(token);
    expect(listed.status).toBe(200);
    expect(listed.body.map((address: { id: string }) => address.id)).toEqual([home.body.id, work.body.id]);
  });

  it('keeps exactly one default: a new default, a PATCHed default, and deleting the default', async () => {
    const { token } = await newCustomer(system);
    const home = (await add(token, HOME)).body;
    const work = (await add(token, { ...WORK, isDefault: true })).body;
    expect(defaults((await book(token)).body)).toEqual([work.id]);
    expect((await patch(token, home.id, { isDefault: true })).body.isDefault).toBe(true);
    expect(defaults((await book(token)).body)).toEqual([home.id]);
    expect((await remove(token, home.id)).status).toBe(204);
    expect(defaults((await book(token)).body)).toEqual([work.id]);
  });

  it('keeps one default when many requests race to set it', async () => {
    const { token } = await newCustomer(system);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await add(token, { ...HOME, line2: `Flat ${i}` })).body.id);
    const answers = await Promise.all(ids.map((id) => patch(token, id, { isDefault: true })));
    expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 200));
    expect(defaults((await book(token)).body)).toHaveLength(1);
  });

  it('changes only the fields sent; "" clears an optional one', async () => {
    const { token } = await newCustomer(system);
    const work = (await add(token, { ...WORK, line2: 'Floor 2', region: 'IDF' })).body;
    const changed = await patch(token, work.id, { city: 'Lyon', line2: '', phone: '' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ...WORK, city: 'Lyon', line2: null, region: 'IDF', phone: null });
  });

  it.each([
    ['an unknown country code', { ...HOME, country: 'XX' }, 'country'],
    ['a three-letter country code', { ...HOME, country: 'GBR' }, 'country'],
    ['a phone number not in E.164', { ...HOME, phone: '020 7946 0000' }, 'phone'],
    ['a phone number with a leading 0 country code', { ...HOME, phone: '+0123456' }, 'phone'],
    ['a blank name', { ...HOME, name: '   ' }, 'name'],
    ['no line1', { name: 'A', city: 'B', country: 'GB' }, 'line1'],
    ['a null region', { ...HOME, region: null }, 'region'],
    ['an unknown field', { ...HOME, userId: randomUUID() }, 'userId'],
  ])('refuses %s with 400 naming the field', async (_, body, field) => {
    const { token } = await newCustomer(system);
    const response = await add(token, body);
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(Object.keys(response.body.errors)).toContain(field);
    expect((await book(token)).body).toEqual([]);
  });

  it('refuses isDefault: false in a PATCH (make another address the default instead)', async () => {
    const { token } = await newCustomer(system);
    const home = (await add(token, HOME)).body;
    const response = await patch(token, home.id, { isDefault: false });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors.isDefault).toBeDefined();
  });

  it("answers 404 for someone else's address, and changes nothing of it", async () => {
    const owner = await newCustomer(system);
    const stranger = await newCustomer(system);
    const home = (await add(owner.token, HOME)).body;
    expectProblem(await patch(stranger.token, home.id, { city: 'Elsewhere' }), 404, 'NOT_FOUND');
    expectProblem(await remove(stranger.token, home.id), 404, 'NOT_FOUND');
    expectProblem(await patch(owner.token, randomUUID(), { city: 'Elsewhere' }), 404, 'NOT_FOUND');
    expectProblem(await remove(owner.token, 'not-a-uuid'), 400, 'VALIDATION_FAILED');
    expect((await book(stranger.token)).body).toEqual([]);
    expect((await book(owner.token)).body).toEqual([home]);
  });

  it('holds at most 50 addresses, however many are added at once (409 ADDRESS_BOOK_FULL)', async () => {
    const { token } = await newCustomer(system);
    const answers = await Promise.all(
      Array.from({ length: 55 }, (_, i) => add(token, { ...HOME, line2: `Flat ${i}` })),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(50);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expectProblem(refused, 409, 'ADDRESS_BOOK_FULL');
    }
    const listed = (await book(token)).body;
    expect(listed).toHaveLength(50);
    expect(defaults(listed)).toHaveLength(1);
  });

  it('needs a token', async () => {
    expectProblem(await system.http.get('/api/v1/auth/me/addresses'), 401, 'UNAUTHORIZED');
    expectProblem(await system.http.post('/api/v1/auth/me/addresses', HOME), 401, 'UNAUTHORIZED');
  });
});
