/** Injection tokens of the events module (kept apart so its files do not import each other in a circle). */
export const EVENTS_CONFIG = Symbol('EVENTS_CONFIG');
export const EVENTS_SERVICE = Symbol('EVENTS_SERVICE');
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
export const EVENT_HANDLER = Symbol('EVENT_HANDLER');
export const RABBIT_CONNECTION = Symbol('RABBIT_CONNECTION');
export const RABBIT_TOPOLOGY = Symbol('RABBIT_TOPOLOGY');
