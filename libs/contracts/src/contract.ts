/** A request DTO class: validated by the app that receives it, built by whoever sends it. */
export type RequestClass<T> = abstract new (...args: never[]) => T;

/**
 * The answer's type, carried by the declaration but not by any value: answers are plain JSON
 * (interfaces, arrays, `null`) that the receiving side never validates.
 */
export interface Returns<T> {
  readonly __returns?: T;
}

/** Declares the type of an operation's answer: `response: returns<ProductDto>()`. */
export const returns = <T>(): Returns<T> => ({});

/** One operation an app serves over TCP, as its contract declares it. */
export interface OperationSpec<TRequest, TResponse> {
  /** The message pattern on the wire. */
  readonly pattern: string;
  readonly request: RequestClass<TRequest>;
  readonly response: Returns<TResponse>;
  /**
   * Whether the app may safely receive it twice: a read, a write that sets a value, or a write
   * keyed by an id the app deduplicates on. A call to a retry-safe operation is retried (and
   * hedged) on another instance when the first drops or stalls; any other fails instead, since
   * the first instance may already have acted on it.
   */
  readonly retrySafe: boolean;
}

/** An operation with the name its contract gives it (the typed client's method name). */
export interface Operation<TRequest = unknown, TResponse = unknown> extends OperationSpec<TRequest, TResponse> {
  readonly name: string;
  /** The app that serves it: the client's name in logs and the `service` metric label. */
  readonly service: string;
}

export type RequestOf<O> = O extends OperationSpec<infer TRequest, unknown> ? TRequest : never;
export type ResponseOf<O> = O extends OperationSpec<unknown, infer TResponse> ? TResponse : never;

type Operations<TSpecs> = {
  readonly [K in keyof TSpecs]: TSpecs[K] extends OperationSpec<infer TRequest, infer TResponse>
    ? Operation<TRequest, TResponse>
    : never;
};

/** Every operation of one app, declared once: its clients, its handlers and its metrics derive from it. */
export interface Contract<TSpecs = Record<string, OperationSpec<unknown, unknown>>> {
  readonly service: string;
  readonly operations: Operations<TSpecs>;
}

/**
 * Declares an app's contract. Each operation is named once, by its key; the compiler checks the
 * typed client's calls and the app's handlers against the same entry.
 */
export function defineContract<TSpecs extends Record<string, OperationSpec<unknown, unknown>>>(
  service: string,
  specs: TSpecs,
): Contract<TSpecs> {
  const operations = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, Object.freeze({ ...spec, name, service })]),
  ) as unknown as Operations<TSpecs>;
  return Object.freeze({ service, operations: Object.freeze(operations) });
}

/** The contract's operations as a list, for code that handles all of them alike. */
export const operationsOf = (contract: Contract<object>): Operation[] =>
  Object.values(contract.operations) as Operation[];
