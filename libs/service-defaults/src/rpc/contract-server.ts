import { ServerTCP } from '@nestjs/microservices';

/** What `JSON.parse` could read other than a bare word: the start of an object pattern, among others. */
const MAYBE_JSON = /^(?:[\s{["\d-]|(?:true|false|null)$)/;

/**
 * Nest's TCP server without an exception per message: it reads each incoming pattern as JSON
 * first (for object patterns) and falls back to the string when that throws, which cost the
 * orders app more than its own handler's code. Our contracts' patterns are dotted names, which
 * cannot be JSON, so they are taken as they are; anything JSON could read still goes Nest's way.
 */
export class ContractServer extends ServerTCP {
  override getRouteFromPattern(pattern: string): string {
    return MAYBE_JSON.test(pattern) ? super.getRouteFromPattern(pattern) : this.normalizePattern(pattern);
  }
}
