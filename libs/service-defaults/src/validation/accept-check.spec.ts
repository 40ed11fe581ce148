import {
  ActorDto,
  CreateOrderDto,
  ListOrdersQuery,
  MAX_ORDER_LINES,
  OrderRefRequest,
  ReserveStockDto,
  Role,
  StockLineDto,
} from '@shop/contracts';
import { plainToInstance } from 'class-transformer';
import { IsString } from 'class-validator';
import { acceptCheck } from './accept-check';
import { validationPipe } from './validation.pipe';

const ORDER_ID = '7d0f6a52-9a51-4f4e-8d0c-2f2b4f7c9e11';
const USER_ID = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const message = () => ({ actor: { id: USER_ID, role: Role.Customer }, orderId: ORDER_ID });
const data = { type: 'body', metatype: OrderRefRequest, data: 'data' } as const;

describe('acceptCheck', () => {
  const check = acceptCheck(OrderRefRequest)!;

  it('makes of a valid message what plainToInstance makes, key order and classes included', () => {
    const value = { orderId: ORDER_ID, actor: { role: Role.Admin, id: USER_ID } };
    const accepted = check(value);
    const made = plainToInstance(OrderRefRequest, value);
    expect(accepted).toBeInstanceOf(OrderRefRequest);
    expect((accepted as OrderRefRequest).actor).toBeInstanceOf(ActorDto);
    expect(accepted).toEqual(made);
    expect(JSON.stringify(accepted)).toBe(JSON.stringify(made));
  });

  it.each([
    ['an id that is no UUID', { ...message(), orderId: 'nope' }],
    ['an unknown role', { ...message(), actor: { id: USER_ID, role: 'root' } }],
    ['an unknown property', { ...message(), extra: 1 }],
    ['an unknown nested property', { ...message(), actor: { ...message().actor, extra: 1 } }],
    ['a missing property', { actor: message().actor }],
    ['a nested value that is no object', { ...message(), actor: USER_ID }],
    ['an object where a string goes', { ...message(), orderId: { toString: () => ORDER_ID } }],
    [
      'a __proto__ key',
      JSON.parse(`{"actor":{"id":"${USER_ID}","role":"customer"},"orderId":"${ORDER_ID}","__proto__":{}}`),
    ],
    ['an array', [message()]],
    ['null', null],
  ])('leaves %s to class-validator', (_, value) => {
    expect(check(value)).toBeUndefined();
  });

  it('compiles nothing for a class with a rule it does not know (one for each element of an array)', () => {
    class Tags {
      @IsString({ each: true })
      tags: string[];
    }
    expect(acceptCheck(Tags)).toBeNull();
  });
});

describe('acceptCheck of an array of a nested class (`@ValidateNested({ each: true })`)', () => {
  const check = acceptCheck(ReserveStockDto)!;
  const line = (quantity = 2) => ({ productId: USER_ID, quantity });
  const reserve = () => ({ orderId: ORDER_ID, lines: [line(), line(1)] });

  it('makes of a valid message what plainToInstance makes, each element of its class', () => {
    const accepted = check(reserve()) as ReserveStockDto;
    const made = plainToInstance(ReserveStockDto, reserve());
    expect(accepted).toBeInstanceOf(ReserveStockDto);
    expect(Array.isArray(accepted.lines)).toBe(true);
    accepted.lines.forEach((accepted) => expect(accepted).toBeInstanceOf(StockLineDto));
    expect(accepted).toEqual(made);
    expect(JSON.stringify(accepted)).toBe(JSON.stringify(made));
  });

  it('applies each property’s own transforms as plainToInstance does (ids lower-cased)', () => {
    const shouted = { orderId: ORDER_ID.toUpperCase(), lines: [{ productId: USER_ID.toUpperCase(), quantity: 1 }] };
    const accepted = check(shouted) as ReserveStockDto;
    expect(accepted).toEqual(plainToInstance(ReserveStockDto, shouted));
    expect(accepted.orderId).toBe(ORDER_ID);
    expect(accepted.lines[0].productId).toBe(USER_ID);
  });

  it.each([
    ['no lines (the array’s own rules still apply)', { ...reserve(), lines: [] }],
    ['one line too many', { ...reserve(), lines: Array.from({ length: MAX_ORDER_LINES + 1 }, () => line()) }],
    ['an invalid element', { ...reserve(), lines: [line(), line(0)] }],
    ['an element with an unknown property', { ...reserve(), lines: [{ ...line(), extra: 1 }] }],
    ['an element that is no object', { ...reserve(), lines: [line(), 3] }],
    ['one element where the array goes', { ...reserve(), lines: line() }],
  ])('leaves %s to class-validator', (_, value) => {
    expect(check(value)).toBeUndefined();
  });
});

describe('acceptCheck of a class with conditions (`@ValidateIf`, `@Omittable`)', () => {
  const address = { name: ' Ada ', line1: '1 Main St', city: 'London', country: 'gb' };
  const items = [{ productId: USER_ID, quantity: 1 }];

  it.each([
    ['items and an inline address (trimmed, country upper-cased)', { items, shippingAddress: address }],
    ['an address book entry, no items', { shippingAddressId: ORDER_ID }],
  ])('makes of %s what plainToInstance makes', (_, value) => {
    const accepted = acceptCheck(CreateOrderDto)!(value);
    expect(accepted).toBeInstanceOf(CreateOrderDto);
    expect(accepted).toEqual(plainToInstance(CreateOrderDto, value));
  });

  it('takes a query whose every property is left out, or given as digits', () => {
    const check = acceptCheck(ListOrdersQuery)!;
    expect(check({})).toEqual(plainToInstance(ListOrdersQuery, {}));
    expect(check({ page: '2', limit: '5' })).toEqual(plainToInstance(ListOrdersQuery, { page: '2', limit: '5' }));
    expect((check({ page: '2' }) as ListOrdersQuery).page).toBe(2);
  });

  it.each([
    ['neither address', { items }],
    ['both addresses', { items, shippingAddress: address, shippingAddressId: ORDER_ID }],
    ['a null where leaving out is allowed', { items: null, shippingAddressId: ORDER_ID }],
    ['an invalid optional nested value', { shippingAddress: { ...address, country: 'XX' } }],
  ])('leaves %s to class-validator', (_, value) => {
    expect(acceptCheck(CreateOrderDto)!(value)).toBeUndefined();
  });

  it('refuses through class-validator exactly as before', async () => {
    const refusal = validationPipe().transform({ items }, { type: 'body', metatype: CreateOrderDto, data: undefined });
    await expect(refusal).rejects.toMatchObject({
      status: 400,
      options: {
        errors: {
          shippingAddressId: ['shippingAddressId or shippingAddress is required', expect.stringContaining('UUID')],
        },
      },
    });
  });
});

describe('the validation pipe with an accept check', () => {
  const pipe = validationPipe();

  it('answers a valid message with the class instance', async () => {
    const result = await pipe.transform(message(), data);
    expect(result).toBeInstanceOf(OrderRefRequest);
    expect(result).toEqual(plainToInstance(OrderRefRequest, message()));
  });

  it('still refuses an invalid one with every field’s errors', async () => {
    const refusal = pipe.transform({ actor: { id: 'x', role: 'root' }, orderId: 'y', extra: 1 }, data);
    await expect(refusal).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      options: {
        errors: {
          'actor.id': [expect.stringContaining('UUID')],
          'actor.role': [expect.any(String)],
          orderId: [expect.stringContaining('UUID')],
          extra: [expect.stringContaining('should not exist')],
        },
      },
    });
  });
});
