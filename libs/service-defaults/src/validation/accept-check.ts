import { type TransformFnParams, TransformationType } from 'class-transformer';
import { defaultOptions } from 'class-transformer/cjs/constants/default-options.constant';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, type ValidationArguments, ValidationTypes } from 'class-validator';

type Constructor = new () => object;
/** The instance `plainToInstance` would make of a value every rule accepts, or undefined for "ask class-validator". */
export type AcceptCheck = (value: unknown) => object | undefined;

interface Property {
  name: string;
  /** Each rule's validators, called as class-validator calls them. */
  rules: { constraints: unknown[]; validate: (value: unknown, args: ValidationArguments) => unknown }[];
  /**
   * The class of a nested object (`@ValidateNested()` with `@Type`), checked the same way; with
   * `each`, an array of them.
   */
  nested?: AcceptCheck;
  /** Its `@ValidateIf`s (`@Omittable` is one): unless all say yes, its rules are not checked. */
  conditions: ((object: object, value: unknown) => unknown)[];
  /** Its `@Transform`s, in the order `plainToInstance` applies them to the primitive it is given. */
  transforms: ((params: TransformFnParams) => unknown)[];
}

/** The options `plainToInstance` hands a transform when called without any (as the pipe calls it). */
const TRANSFORM_OPTIONS = { ...defaultOptions };

const checks = new Map<Constructor, AcceptCheck | null>();

/**
 * A check compiled once per request class from its own rules (libs/contracts stays the one
 * declaration), for the validation pipe to take the usual message without class-transformer and
 * class-validator walking it: a plain object with only declared properties, each a primitive
 * (as its own `@Transform`s leave it) every synchronous rule accepts, or an object of a nested
 * class (with `each`, an array of them) accepted the same way, comes out as the same instance
 * `plainToInstance` makes. A property may be left out only where its conditions (`@ValidateIf`,
 * `@Omittable`) skip its rules. It only ever says yes: anything else (a failing or asynchronous
 * rule, a missing or unknown property, a class using rules or transforms it does not know) goes
 * the full way, so refusals keep their exact shape. Null for such a class.
 */
export function acceptCheck(target: Constructor): AcceptCheck | null {
  let check = checks.get(target);
  if (check === undefined) {
    // Set first: a class nesting itself would otherwise compile forever.
    checks.set(target, null);
    check = compile(target);
    checks.set(target, check);
  }
  return check;
}

function compile(target: Constructor): AcceptCheck | null {
  const storage = getMetadataStorage();
  if (defaultMetadataStorage.getExposedMetadatas(target).length) return null;
  if (defaultMetadataStorage.getExcludedMetadatas(target).length) return null;
  const byName = new Map<string, Property>();
  for (const rule of storage.getTargetValidationMetadatas(target, '', true, false)) {
    // `each` only on a nested rule: an array of a nested class, its elements checked one by one.
    const each = rule.type === ValidationTypes.NESTED_VALIDATION && rule.each;
    if ((rule.each && !each) || rule.groups?.length || rule.always) return null;
    const property = byName.get(rule.propertyName) ?? {
      name: rule.propertyName,
      rules: [],
      conditions: [],
      transforms: [],
    };
    byName.set(rule.propertyName, property);
    // `@IsDefined` is a rule like any other here; class-validator only runs it apart from the rest.
    if (rule.type === ValidationTypes.CUSTOM_VALIDATION || rule.type === ValidationTypes.IS_DEFINED) {
      for (const { instance, async } of storage.getTargetValidatorConstraints(rule.constraintCls)) {
        if (async) return null;
        property.rules.push({ constraints: rule.constraints, validate: instance.validate.bind(instance) });
      }
    } else if (rule.type === ValidationTypes.NESTED_VALIDATION) {
      const type = defaultMetadataStorage.findTypeMetadata(target, rule.propertyName);
      const nested = type && !type.options?.discriminator ? acceptCheck(type.typeFunction() as Constructor) : null;
      if (!nested) return null;
      property.nested = each ? eachOf(nested) : nested;
    } else if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      property.conditions.push(rule.constraints[0] as Property['conditions'][number]);
    } else return null;
  }
  const properties = [...byName.values()];
  if (!properties.length) return null;
  for (const property of properties) {
    const { name, nested } = property;
    for (const { options, transformFn } of defaultMetadataStorage.findTransformMetadatas(
      target,
      name,
      TransformationType.PLAIN_TO_CLASS,
    )) {
      // A nested value's transform, or one for some groups or versions only, is left to class-transformer.
      if (nested || options?.groups?.length || options?.since !== undefined || options?.until !== undefined)
        return null;
      property.transforms.push(transformFn);
    }
    if (!nested && defaultMetadataStorage.findTypeMetadata(target, name)) return null;
  }
  const targetName = target.name;
  return (value) => {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return;
    const plain = value as Record<string, unknown>;
    const keys = Object.keys(plain);
    if (keys.length > properties.length) return;
    // Filled in the value's own order, as `plainToInstance` does, before any rule sees it.
    const instance = new target() as Record<string, unknown>;
    for (const key of keys) {
      const property = byName.get(key);
      if (!property) return;
      const field = plain[key];
      if (property.nested) {
        const accepted = property.nested(field);
        if (!accepted) return;
        instance[key] = accepted;
      } else if (typeof field === 'object' && field !== null) return;
      else {
        let transformed: unknown = field;
        for (const transform of property.transforms) {
          transformed = transform({
            value: transformed,
            key,
            obj: plain,
            type: TransformationType.PLAIN_TO_CLASS,
            options: TRANSFORM_OPTIONS,
          });
        }
        instance[key] = transformed;
      }
    }
    for (const { name, rules, conditions } of properties) {
      const field = instance[name];
      // As class-validator judges it: on the whole instance, and only if every condition holds.
      if (!conditions.every((condition) => condition(instance, field))) continue;
      // A left-out property that would be checked is left to class-validator, whatever its rules say.
      if (!Object.hasOwn(plain, name)) return;
      for (const { constraints, validate } of rules) {
        if (validate(field, { targetName, property: name, object: instance, value: field, constraints }) !== true)
          return;
      }
    }
    return instance;
  };
}

/** An array whose every element `check` accepts, as the array of what it made; else undefined. */
function eachOf(check: AcceptCheck): AcceptCheck {
  return (value) => {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return;
    const accepted: object[] = [];
    for (const element of value) {
      const instance = check(element);
      if (!instance) return;
      accepted.push(instance);
    }
    return accepted;
  };
}
