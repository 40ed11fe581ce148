import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { lowerCased } from './transforms';

/** A UUID in any case, passed on in lower case so an upper-case id finds the same row and cache entry. */
export function IsId(options: { each?: boolean } = {}): PropertyDecorator {
  return (target, key) => {
    Transform(lowerCased)(target, key);
    IsUUID('all', options)(target, key);
  };
}
