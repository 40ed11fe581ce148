import type { ServerResponse } from 'node:http';

const codes = new WeakMap<ServerResponse, string>();

/** Marks a response as a problem with `code`, so its access log line names the code, not only the status. */
export function noteProblemCode(response: ServerResponse, code: string): void {
  codes.set(response, code);
}

export const problemCodeOf = (response: ServerResponse): string | undefined => codes.get(response);
