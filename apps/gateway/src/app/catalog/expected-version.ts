import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

export type VersionSource = 'if-match' | 'body';

/** `"3"` or `W/"3"` → 3. Versions start at 1, so `"0"` (or `"03"`) is no ETag this API gave out. */
const ETAG = /^(?:W\/)?"([1-9]\d{0,8})"$/;

/** What If-Match accepts, for the OpenAPI document. */
export const IF_MATCH_PATTERN = ETAG.source;

export const etagOf = (version: number): string => `"${version}"`;

/**
 * The version a write is conditional on, from `If-Match` or the body's `version`. Both may be
 * sent if they agree; neither is 428: every product write must say which version it read. A
 * `"version": null` says no more than leaving it out (a client serialising an unset field).
 */
export function expectedVersion(ifMatch: string | undefined, versionField: number | null | undefined) {
  const bodyVersion = versionField ?? undefined;
  let fromHeader: number | undefined;
  if (ifMatch !== undefined) {
    const match = ETAG.exec(ifMatch.trim());
    if (!match) {
      throw new AppError(400, ErrorCode.ValidationFailed, 'If-Match must be one ETag like "3"', {
        errors: { 'If-Match': ['must be one ETag like "3"'] },
      });
    }
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new AppError(400, ErrorCode.ValidationFailed, 'If-Match and version disagree', {
      errors: { version: ['must match If-Match'] },
    });
  }
  const version = fromHeader ?? bodyVersion;
  if (version === undefined) {
    throw new AppError(
      428,
      ErrorCode.VersionRequired,
      'Send the version you read, as If-Match: "<version>" or a version field',
    );
  }
  return { version, source: (fromHeader !== undefined ? 'if-match' : 'body') as VersionSource };
}
