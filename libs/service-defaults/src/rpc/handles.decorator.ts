import { MessagePattern } from '@nestjs/microservices';
import type { OperationSpec } from '@shop/contracts';

/** True only when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * What the compiler says when a handler drifts from its operation: the method name is checked
 * against this type, so the error names the mismatch.
 */
type HandlerCheck<THandler, TRequest, TResponse> = THandler extends (...args: infer TArgs) => infer TResult
  ? TArgs extends [] | [TRequest]
    ? Same<TArgs extends [] ? TRequest : TArgs[0], TRequest> extends true
      ? Same<Awaited<TResult>, TResponse> extends true
        ? string | symbol
        : 'the handler answers another type than its operation declares'
      : 'the handler takes another request type than its operation declares'
    : 'the handler takes another request type than its operation declares'
  : never;

/**
 * Binds a message handler to one operation of its app's contract: it handles the operation's
 * pattern, and it compiles only if it takes the declared request class (or nothing) and answers
 * the declared response type, exactly.
 */
export function Handles<TRequest, TResponse>(operation: OperationSpec<TRequest, TResponse>) {
  return <THandler>(
    target: object,
    key: HandlerCheck<THandler, TRequest, TResponse>,
    descriptor: TypedPropertyDescriptor<THandler>,
  ): void => {
    MessagePattern(operation.pattern)(target, key as string | symbol, descriptor);
  };
}
