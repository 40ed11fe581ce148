import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateCategoryDto, UpdateCategoryDto } from './catalog/category.dto';
import { ReplaceProductDto, UpdateProductDto } from './catalog/product-input.dto';
import { ProductListQuery } from './catalog/product-list.query';
import { ReservationRefDto } from './catalog/reservation.dto';
import { CreateOrderDto, ListOrdersQuery } from './orders/order-requests';

/** The fields that fail, with their messages, as the validation pipe would report them. */
const failures = (type: new () => object, body: object) =>
  Object.fromEntries(
    validateSync(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true }).map((error) => [
      error.property,
      Object.values(error.constraints ?? {}),
    ]),
  );

/** `[name, body, …rest, type]` rows, so each test is titled by the DTO's name and body. */
const named = <R extends unknown[]>(rows: [new () => object, object, ...R][]) =>
  rows.map(([type, body, ...rest]) => [type.name, body, ...rest, type] as const);

const product = { sku: 'SKU-1', name: 'Thing', price: 100, version: 1 };
/** Every checkout names where it ships; these rows are about the other fields. */
const shipTo = { shippingAddressId: '0b7c2f1e-3a4d-4e5f-8a9b-1c2d3e4f5a6b' };

describe('null where it means nothing is refused, naming the field', () => {
  it.each(
    named([
      [UpdateProductDto, { name: null, version: 1 }, 'name'],
      [UpdateProductDto, { sku: null, version: 1 }, 'sku'],
      [UpdateProductDto, { price: null, version: 1 }, 'price'],
      [UpdateProductDto, { currency: null, version: 1 }, 'currency'],
      [UpdateProductDto, { description: null, version: 1 }, 'description'],
      [ReplaceProductDto, { ...product, description: null }, 'description'],
      [ReplaceProductDto, { ...product, currency: null }, 'currency'],
      [UpdateCategoryDto, { name: null }, 'name'],
      [UpdateCategoryDto, { slug: null }, 'slug'],
      [CreateCategoryDto, { name: 'Tea', slug: null }, 'slug'],
      [ProductListQuery, { page: null }, 'page'],
      [
        ReservationRefDto,
        { orderId: '6f1d6c55-4d4c-4a3e-9b59-4d6f3b3f0a11', restockCommitted: null },
        'restockCommitted',
      ],
      [CreateOrderDto, { ...shipTo, items: null }, 'items'],
      [ListOrdersQuery, { status: null }, 'status'],
    ]),
  )('%s %j', (_, body, field, type) => {
    const failed = failures(type, body);
    expect(Object.keys(failed)).toEqual([field]);
    expect(failed[field]).toContain(`${field} must not be null`);
  });
});

describe('null where it means something, and absence, are accepted', () => {
  it.each(
    named([
      [UpdateProductDto, { categoryId: null, version: 1 }],
      [UpdateProductDto, { version: null }],
      [UpdateProductDto, {}],
      [ReplaceProductDto, { ...product, categoryId: null }],
      [UpdateCategoryDto, { parentId: null }],
      [UpdateCategoryDto, {}],
      [CreateOrderDto, shipTo],
    ]),
  )('%s %j', (_, body, type) => {
    expect(failures(type, body)).toEqual({});
  });
});
