import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { type Contract, operationsOf } from '@shop/contracts';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule>;

const isDynamic = (module: ModuleRef): module is DynamicModule => 'module' in module;

/** Every controller a module brings into the app: its own and its imports', as Nest reads them. */
function controllersOf(module: ModuleRef, seen = new Set<unknown>()): Type[] {
  if (module instanceof Promise || seen.has(module)) return [];
  seen.add(module);
  const type = isDynamic(module) ? module.module : module;
  const read = <T>(key: string): T[] => Reflect.getMetadata(key, type) ?? [];
  const controllers = [
    ...read<Type>(MODULE_METADATA.CONTROLLERS),
    ...((isDynamic(module) && module.controllers) || []),
  ];
  const imports = [...read<ModuleRef>(MODULE_METADATA.IMPORTS), ...((isDynamic(module) && module.imports) || [])];
  return [...controllers, ...imports.flatMap((imported) => controllersOf(imported as ModuleRef, seen))];
}

/**
 * The message handlers of an app's root module, by pattern: `Controller.method` for each handler
 * Nest would register (from the metadata `@MessagePattern`, and so `@Handles`, leaves).
 */
export function handlersByPattern(root: ModuleRef): Map<string, string[]> {
  const handlers = new Map<string, string[]>();
  for (const controller of new Set(controllersOf(root))) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const patterns: unknown[] = Reflect.getMetadata(PATTERN_METADATA, controller.prototype[method]) ?? [];
      for (const pattern of patterns) {
        const key = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
        handlers.set(key, [...(handlers.get(key) ?? []), `${controller.name}.${method}`]);
      }
    }
  }
  return handlers;
}

/**
 * What a contract and an app's handlers disagree on: each declared operation without exactly one
 * handler, and each handled pattern the contract does not declare. Empty when they agree.
 */
export function contractMismatches(contract: Contract<object>, root: ModuleRef): string[] {
  const handlers = handlersByPattern(root);
  const declared = new Set(operationsOf(contract).map((operation) => operation.pattern));
  return [
    ...operationsOf(contract)
      .filter((operation) => handlers.get(operation.pattern)?.length !== 1)
      .map(
        (operation) =>
          `${contract.service}.${operation.name} (${operation.pattern}) has ${handlers.get(operation.pattern)?.length ?? 0} handlers: ${handlers.get(operation.pattern)?.join(', ') ?? 'none'}`,
      ),
    ...[...handlers]
      .filter(([pattern]) => !declared.has(pattern))
      .map(
        ([pattern, names]) =>
          `${names.join(', ')} handles ${pattern}, which the ${contract.service} contract does not declare`,
      ),
  ];
}
